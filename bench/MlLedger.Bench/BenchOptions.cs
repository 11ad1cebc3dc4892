using System.Globalization;

namespace MlLedger.Bench;

/// <summary>Command line of the bench: modes (policy, http; both when none is named) and a few sizes.</summary>
internal sealed record BenchOptions
{
    public const string PolicyMode = "policy";
    public const string HttpMode = "http";
    public const string VerifyMode = "verify";
    public const string LogMode = "log";
    public const string ReportsMode = "reports";
    public const string AppendMode = "append";
    public const string HttpWriteMode = "http-write";
    public const string StartupMode = "startup";
    public const string ReadsMode = "reads";
    public const string EntryChecksMode = "entry-checks";
    public const string ConsoleMode = "console";

    /// <summary>Every mode, in the order <c>all</c> runs them: the short in-process ones first.</summary>
    public static readonly IReadOnlyList<string> AllModes =
        [PolicyMode, AppendMode, HttpWriteMode, StartupMode, VerifyMode, EntryChecksMode, LogMode, HttpMode, ReportsMode, ReadsMode, ConsoleMode];

    public const string Usage = """
        usage: MlLedger.Bench [all] [policy] [append] [http-write] [startup] [verify] [entry-checks] [log] [http] [reports] [reads] [console] [options]
               (no mode: policy and http, policy first; all: every mode, then one summary table of every figure against
               its ceiling and target)

        append mode: the ledger's append path in process against Marten appending the same events unsigned
          --append-seconds N    counted seconds per run (default 10), after 2 s of warm-up; 1 and 8 writers,
                                1 and 100 entries per transaction

        http-write mode: POST /v1/datasets and POST /v1/promotions/{id}/approvals under load against a bare
                                endpoint doing one INSERT, same process and database
          --connections N       loopback connections of the load generator (default 32)
          --write-seconds N     counted seconds per run (default 10), after 2 s of warm-up
          --approvals N         staging promotions seeded for the approvals run (default 4000)

        startup mode: the built mlledger CLI started with `serve --dev`, timed to /healthz, /readyz and a first write
          --starts N            warm starts of each kind (default 5)

        policy mode: PolicyEngine.Evaluate on realistic production facts, in process
          --iterations N        timed calls per case (default 200000)

        http mode: embedded PostgreSQL + the real ledger host (dev mode) on 127.0.0.1, seeded through the API
          --entries N           ledger entries to seed before measuring (default 100000)
          --checks N            timed POST /v1/policy/check calls (default 2000)
          --warmup N            untimed checks before them (default 200)
          --baseline-checks N   timed checks on the near-empty ledger, before seeding (default 400; 0 skips)
          --concurrency N       parallel seeding clients (default max(8, 4 x CPUs))
          --show-sql            print the SQL statements one allowed check runs, with their durations

        verify mode: writes an audit bundle, measures the raw ECDSA P-256 verify rate, verifies the bundle in a child process
          --bundle-entries N    entries in the bundle (default 1000000)

        log mode: embedded PostgreSQL + the real ledger host; sequencer lag under sustained writes, then proofs at scale
          --log-seconds N       seconds of sustained dataset registrations by --concurrency clients (default 30)
          --leaves N            grow the log to N leaves (synthetic leaf hashes after the real ones; default 1000000),
                                then --checks inclusion and consistency proofs after --warmup

        reports mode: embedded PostgreSQL + the real ledger host; lineage and PDF reports on data seeded through the API
          --lineage-models N    model versions trained on one dataset, one blocked deployment each: 1 + 3N lineage
                                nodes downstream of it (default 3333, i.e. 10,000 nodes, the query's limit)
          --entries N           grow the ledger to N entries for the audit period report (default 100000)
          --concurrency N       parallel seeding clients

        entry-checks mode: one entry's verification in process on one thread, whole and part by part (signature,
                                statement, stored data, leaf), on 20,000 sealed entries in streams of 4

        reads mode: mlledger serve in a process of its own; the costliest request of each role alone, then bursts at the
                                caps on expensive reads; CPU time, peak memory and time of each, beside its ceiling
          --entries N           ledger entries (default 100000): a 10,000-node lineage (--lineage-models), a model
                                version with about 1,000 related entries, a dataset with --dataset-checks checks, and
                                the http mode's mix for the rest
          --dataset-checks N    checks recorded on one dataset (default 2000)
          --callers N           callers sending the costliest capped read at once (default 8)

        console mode: embedded PostgreSQL + the real ledger host; the lists and the console's pages as an approver with the
                                risk-officer role sees them: GET /v1/promotions?awaiting=me, the inbox page, a promotion's
                                page, and the audit trail's first page and pages at 1%, 50% and 99% of its depth
          --entries N           ledger entries (default 100000), seeded through the API
          --promotions N        pending production promotions among them, all awaiting the approver (default 5000)
          --concurrency N       parallel seeding clients
          --requests N          timed requests of each kind, one at a time, round robin (default 300), after 30 rounds of warm-up
          --settle-seconds N    before timing, wait at most N s for the 1-minute load average to fall below 1 (default 600)
          --show-sql            after timing, print the SQL statements each request runs, with their durations
          --explain             and EXPLAIN (ANALYZE, BUFFERS) of each (Marten's commands, and the trail's statement)

          --policies DIR        policy set (default: the shipped policies/, copied next to the binary)
        """;

    public IReadOnlyList<string> Modes { get; init; } = [PolicyMode, HttpMode];
    public int Iterations { get; init; } = 200_000;
    public int AppendSeconds { get; init; } = 10;
    public int WriteSeconds { get; init; } = 10;
    public int Connections { get; init; } = 32;
    public int Approvals { get; init; } = 4_000;
    public int Starts { get; init; } = 5;
    public int BundleEntries { get; init; } = 1_000_000;
    public int LogSeconds { get; init; } = 30;
    public int Leaves { get; init; } = 1_000_000;
    public int Entries { get; init; } = 100_000;
    public int LineageModels { get; init; } = 3_333;
    public int DatasetChecks { get; init; } = 2_000;
    public int Callers { get; init; } = 8;
    public int Promotions { get; init; } = 5_000;
    public int Requests { get; init; } = 300;
    public int SettleSeconds { get; init; } = 600;
    public int Checks { get; init; } = 2_000;
    public int Warmup { get; init; } = 200;
    public int BaselineChecks { get; init; } = 400;
    public int Concurrency { get; init; } = Math.Max(8, 4 * Environment.ProcessorCount);
    public bool ShowSql { get; init; }
    public bool Explain { get; init; }
    public bool Help { get; init; }
    public string PoliciesDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "ShippedPolicies");

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var modes = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case PolicyMode or HttpMode or VerifyMode or LogMode or ReportsMode or AppendMode or HttpWriteMode or StartupMode or ReadsMode or EntryChecksMode
                    or ConsoleMode:
                    if (!modes.Contains(arg))
                    {
                        modes.Add(arg);
                    }

                    break;
                case "all":
                    modes.AddRange(AllModes.Except(modes));
                    break;
                case "--append-seconds":
                    options = options with { AppendSeconds = Positive(args, ref i) };
                    break;
                case "--write-seconds":
                    options = options with { WriteSeconds = Positive(args, ref i) };
                    break;
                case "--connections":
                    options = options with { Connections = Positive(args, ref i) };
                    break;
                case "--approvals":
                    options = options with { Approvals = Positive(args, ref i) };
                    break;
                case "--starts":
                    options = options with { Starts = Positive(args, ref i) };
                    break;
                case "--log-seconds":
                    options = options with { LogSeconds = Positive(args, ref i) };
                    break;
                case "--leaves":
                    options = options with { Leaves = Positive(args, ref i) };
                    break;
                case "--bundle-entries":
                    options = options with { BundleEntries = Positive(args, ref i) };
                    break;
                case "--iterations":
                    options = options with { Iterations = Positive(args, ref i) };
                    break;
                case "--lineage-models":
                    options = options with { LineageModels = Positive(args, ref i) };
                    break;
                case "--dataset-checks":
                    options = options with { DatasetChecks = Positive(args, ref i) };
                    break;
                case "--callers":
                    options = options with { Callers = Positive(args, ref i) };
                    break;
                case "--promotions":
                    options = options with { Promotions = Positive(args, ref i) };
                    break;
                case "--requests":
                    options = options with { Requests = Positive(args, ref i) };
                    break;
                case "--settle-seconds":
                    options = options with { SettleSeconds = NonNegative(args, ref i) };
                    break;
                case "--entries":
                    options = options with { Entries = Positive(args, ref i) };
                    break;
                case "--checks":
                    options = options with { Checks = Positive(args, ref i) };
                    break;
                case "--warmup":
                    options = options with { Warmup = NonNegative(args, ref i) };
                    break;
                case "--baseline-checks":
                    options = options with { BaselineChecks = NonNegative(args, ref i) };
                    break;
                case "--concurrency":
                    options = options with { Concurrency = Positive(args, ref i) };
                    break;
                case "--policies":
                    options = options with { PoliciesDirectory = Path.GetFullPath(Value(args, ref i)) };
                    break;
                case "--explain":
                    options = options with { Explain = true };
                    break;
                case "--show-sql":
                    options = options with { ShowSql = true };
                    break;
                case "-h" or "--help":
                    options = options with { Help = true };
                    break;
                default:
                    throw new UsageException($"unknown argument '{arg}'");
            }
        }

        return modes.Count == 0 ? options : options with { Modes = modes };
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new UsageException($"{args[i - 1]} needs a value");

    private static int Positive(IReadOnlyList<string> args, ref int i)
    {
        var n = NonNegative(args, ref i);
        return n > 0 ? n : throw new UsageException($"{args[i - 1]} must be at least 1");
    }

    private static int NonNegative(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        var raw = Value(args, ref i).Replace("_", "", StringComparison.Ordinal);
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new UsageException($"{name} needs a whole number, not '{args[i]}'");
    }
}

internal sealed class UsageException(string message) : Exception(message);

/// <summary>A run that could not complete (e.g. the host did not start, or seeding failed too often).</summary>
internal sealed class BenchFailure(string message) : Exception(message);
