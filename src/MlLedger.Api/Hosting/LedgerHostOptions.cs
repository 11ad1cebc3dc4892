using JasperFx.Events.Daemon;
using MlLedger.Api.Auth;
using MlLedger.Api.Log;
using MlLedger.Policies;

namespace MlLedger.Api.Hosting;

/// <summary>Everything the ledger host needs to start; the CLI fills it from flags and environment.</summary>
public sealed record LedgerHostOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>PostgreSQL connection string of the ledger database.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Where keys live: the active signing key (0600) and the key ring.</summary>
    public required string KeysDirectory { get; init; }

    public string Urls { get; init; } = DefaultUrl;

    /// <summary>Dev mode: a local token issuer and the interactive API reference. Never in production.</summary>
    public bool DevMode { get; init; }

    /// <summary>Lets dev mode listen on addresses other machines can reach (refused otherwise; see <see cref="DevModeExposure"/>).</summary>
    public bool DevModeOnNetwork { get; init; }

    public JwtSettings Jwt { get; init; } = new();

    /// <summary>How people sign in to the console (an OIDC client at <see cref="JwtSettings.Authority"/>).</summary>
    public Console.ConsoleSettings Console { get; init; } = new();

    /// <summary>The policy set evaluated before every promotion and deployment (load it with <see cref="PolicySet.Load"/>).</summary>
    public required PolicySet Policies { get; init; }

    /// <summary>Largest accepted request body.</summary>
    public long MaxRequestBodyBytes { get; init; } = 256 * 1024;

    /// <summary>Marten schema name; tests give each fixture its own.</summary>
    public string Schema { get; init; } = "mlledger";

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The transparency log's name and checkpoint cadence.</summary>
    public LogSettings Log { get; init; } = new();

    /// <summary>What one read over the ledger may hold: its pages of rows (export, verification), the entries one report reads.</summary>
    public ReadLimits ReadLimits { get; init; } = ReadLimits.Default;

    /// <summary>Per-identity limits on writes and report downloads, caps on expensive reads (<see cref="RateLimits.Off"/>: none).</summary>
    public RateLimits RateLimits { get; init; } = new();

    /// <summary>
    /// How the log sequencer runs: HotCold (the default) elects one node with an advisory lock, so that any number
    /// of API nodes can run; Solo when exactly one process ever runs against the database (tests).
    /// </summary>
    public DaemonMode Sequencer { get; init; } = DaemonMode.HotCold;
}
