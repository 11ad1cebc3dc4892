using System.CommandLine;
using Microsoft.Extensions.Hosting;
using MlLedger.Api;
using MlLedger.Api.Auth;
using MlLedger.Api.Auth.Authority;
using MlLedger.Api.Hosting;
using MlLedger.Api.Keys;
using MlLedger.Api.Log;
using MlLedger.Policies;
using MlLedger.Policies.Documents;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger serve</c>: the ledger on http://127.0.0.1:5080. Without --db it runs an embedded PostgreSQL
/// cluster kept in the data directory, created on first start and stopped on exit.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var db = new Option<string?>("--db")
        {
            Description = "PostgreSQL connection string of an external server (env MLLEDGER_DB); default: embedded cluster",
            DefaultValueFactory = _ => EnvValue("MLLEDGER_DB"),
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Listen address (env MLLEDGER_URLS)",
            DefaultValueFactory = _ => EnvValue("MLLEDGER_URLS") ?? LedgerHostOptions.DefaultUrl,
        };
        var dev = new Option<bool>("--dev")
        {
            Description = "Dev mode: a local token issuer (see `mlledger token`) and the API reference at /scalar. Never in production. (env MLLEDGER_DEV=1)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MLLEDGER_DEV") == "1",
        };
        var devOnNetwork = new Option<bool>("--dev-on-network")
        {
            Description = "Let dev mode listen on an address other machines can reach (refused without it; loudly warned with it). (env MLLEDGER_DEV_ON_NETWORK=1)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MLLEDGER_DEV_ON_NETWORK") == "1",
        };
        var authority = Env(new Option<string?>("--jwt-authority") { Description = "OIDC authority whose discovery document gives the token signing keys (env MLLEDGER_JWT_AUTHORITY)" }, "MLLEDGER_JWT_AUTHORITY");
        var issuer = Env(new Option<string?>("--jwt-issuer") { Description = "Expected token issuer (env MLLEDGER_JWT_ISSUER)" }, "MLLEDGER_JWT_ISSUER");
        var audience = Env(new Option<string?>("--jwt-audience") { Description = "Expected token audience, default mlledger (env MLLEDGER_JWT_AUDIENCE)" }, "MLLEDGER_JWT_AUDIENCE");
        var publicKey = Env(new Option<string?>("--jwt-public-key") { Description = "PEM file with the issuer's public key (env MLLEDGER_JWT_PUBLIC_KEY)" }, "MLLEDGER_JWT_PUBLIC_KEY");
        var jwks = Env(new Option<string?>("--jwt-jwks") { Description = "JWKS file with the issuer's public keys (env MLLEDGER_JWT_JWKS)" }, "MLLEDGER_JWT_JWKS");
        var rolesClaim = Env(new Option<string?>("--jwt-roles-claim") { Description = "Token claim holding the roles: a top-level claim name, or a JSON Pointer such as /realm_access/roles (env MLLEDGER_JWT_ROLES_CLAIM; default roles)" }, "MLLEDGER_JWT_ROLES_CLAIM");
        var rolesFormat = Env(new Option<string?>("--jwt-roles-format") { Description = "Shape of the roles claim: array (of strings) or space-separated (one string) (env MLLEDGER_JWT_ROLES_FORMAT; default array)" }, "MLLEDGER_JWT_ROLES_FORMAT");
        var subjectCase = Env(new Option<string?>("--jwt-subject-case") { Description = "Whether subjects differing only in case are one identity: sensitive, or insensitive (recorded and compared in lowercase) (env MLLEDGER_JWT_SUBJECT_CASE; default sensitive)" }, "MLLEDGER_JWT_SUBJECT_CASE");
        var authorityCa = Env(new Option<string?>("--jwt-authority-ca") { Description = "PEM file of the CA certificates the authority's TLS certificate must chain to, instead of the machine's (env MLLEDGER_JWT_AUTHORITY_CA)" }, "MLLEDGER_JWT_AUTHORITY_CA");
        var keysRefresh = Env(new Option<string?>("--jwt-keys-refresh") { Description = "Fetch the authority's signing keys this often, e.g. 30s, 1min (env MLLEDGER_JWT_KEYS_REFRESH; default 1min)" }, "MLLEDGER_JWT_KEYS_REFRESH");
        var keysMaxAge = Env(new Option<string?>("--jwt-keys-max-age") { Description = "Refuse every token once the authority's keys could not be fetched for this long (env MLLEDGER_JWT_KEYS_MAX_AGE; default 15min)" }, "MLLEDGER_JWT_KEYS_MAX_AGE");
        var consoleClient = Env(new Option<string?>("--console-client-id") { Description = "OIDC client id people sign in to the console with, at --jwt-authority (env MLLEDGER_CONSOLE_CLIENT_ID)" }, "MLLEDGER_CONSOLE_CLIENT_ID");
        var consoleSecret = Env(new Option<string?>("--console-client-secret-file") { Description = "File holding the console client's secret; none for a public client (env MLLEDGER_CONSOLE_CLIENT_SECRET_FILE)" }, "MLLEDGER_CONSOLE_CLIENT_SECRET_FILE");
        var policies = new Option<string>("--policies")
        {
            Description = "Directory of the policy documents evaluated before every promotion and deployment (env MLLEDGER_POLICIES)",
            DefaultValueFactory = _ => EnvValue("MLLEDGER_POLICIES") ?? "policies",
        };
        var logName = new Option<string>("--log-name")
        {
            Description = "The transparency log's name: the origin line of its checkpoints and their signer name, e.g. ledger.example.com/log (env MLLEDGER_LOG_NAME)",
            DefaultValueFactory = _ => EnvValue("MLLEDGER_LOG_NAME") ?? LogSettings.DefaultOrigin,
        };
        var checkpointInterval = new Option<int>("--checkpoint-interval-ms")
        {
            Description = "Sign a new checkpoint at most this often, when the log has grown (env MLLEDGER_CHECKPOINT_INTERVAL_MS; default 1000)",
            DefaultValueFactory = _ => int.TryParse(EnvValue("MLLEDGER_CHECKPOINT_INTERVAL_MS"), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms : 1000,
        };
        var writeRate = Env(new Option<string?>("--write-rate") { Description = "Writes one identity (token issuer + subject) may make, as tokens/period, or off (env MLLEDGER_WRITE_RATE; default 50/s)" }, "MLLEDGER_WRITE_RATE");
        var writeBurst = IntOption("--write-burst", "Writes one identity may make at once before --write-rate applies (env MLLEDGER_WRITE_BURST; default 200)", "MLLEDGER_WRITE_BURST", 200);
        var reportRate = Env(new Option<string?>("--report-rate") { Description = "Report downloads one identity may make, as tokens/period, or off (env MLLEDGER_REPORT_RATE; default 1/6s)" }, "MLLEDGER_REPORT_RATE");
        var reportBurst = IntOption("--report-burst", "Report downloads one identity may make at once before --report-rate applies (env MLLEDGER_REPORT_BURST; default 10)", "MLLEDGER_REPORT_BURST", 10);
        var expensiveReads = Env(new Option<string?>("--expensive-reads") { Description = "Expensive reads (export, verification, reports, replay, lineage, impact) in flight at once in all, or off (env MLLEDGER_EXPENSIVE_READS; default 4)" }, "MLLEDGER_EXPENSIVE_READS");
        var expensiveReadsPerIdentity = IntOption("--expensive-reads-per-identity", "Expensive reads one identity may have in flight at once (env MLLEDGER_EXPENSIVE_READS_PER_IDENTITY; default 2)", "MLLEDGER_EXPENSIVE_READS_PER_IDENTITY", 2);
        var dataDir = CommonOptions.DataDirectory();

        var command = new Command("serve", "Run the ledger")
        {
            db, urls, dev, devOnNetwork, authority, issuer, audience, publicKey, jwks, authorityCa, keysRefresh, keysMaxAge, rolesClaim, rolesFormat,
            subjectCase, consoleClient, consoleSecret, policies, logName, checkpointInterval,
            writeRate, writeBurst, reportRate, reportBurst, expensiveReads, expensiveReadsPerIdentity, dataDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var directory = Path.GetFullPath(parse.GetValue(dataDir)!);
            JwtSettings jwt;
            MlLedger.Api.Console.ConsoleSettings console;
            try
            {
                jwt = new JwtSettings
                {
                    Authority = parse.GetValue(authority),
                    Issuer = parse.GetValue(issuer),
                    Audience = parse.GetValue(audience) ?? JwtSettings.DefaultAudience,
                    Claims = new ClaimMapping
                    {
                        RolesClaim = parse.GetValue(rolesClaim) ?? ClaimMapping.DefaultRolesClaim,
                        RolesFormat = ClaimMapping.ParseRolesFormat(parse.GetValue(rolesFormat) ?? "array"),
                        SubjectCase = ClaimMapping.ParseSubjectCase(parse.GetValue(subjectCase) ?? "sensitive"),
                    },
                    PublicKeyPemFile = parse.GetValue(publicKey),
                    JwksFile = parse.GetValue(jwks),
                    AuthorityCaFile = parse.GetValue(authorityCa),
                    KeysRefresh = Duration(parse.GetValue(keysRefresh), "--jwt-keys-refresh") ?? new JwtSettings().KeysRefresh,
                    KeysMaxAge = Duration(parse.GetValue(keysMaxAge), "--jwt-keys-max-age") ?? new JwtSettings().KeysMaxAge,
                };
                _ = jwt.Claims.RolesClaimPath();
                AuthoritySettings.Validate(jwt); // before anything starts: an http:// authority never serves
                console = new MlLedger.Api.Console.ConsoleSettings { ClientId = parse.GetValue(consoleClient), ClientSecretFile = parse.GetValue(consoleSecret) };
                console.Validate(jwt);
            }
            catch (Exception e) when (e is AuthConfigurationException or ArgumentException)
            {
                Console.Error.WriteLine($"mlledger serve: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }

            // the policies are loaded before anything starts: a malformed set never serves, and nothing is dropped
            var policyDirectory = Path.GetFullPath(parse.GetValue(policies)!);
            PolicySet set;
            try
            {
                set = PolicySet.Load(policyDirectory);
            }
            catch (PolicyLoadException e)
            {
                Console.Error.WriteLine($"mlledger serve: the policies in {policyDirectory} cannot be loaded:");
                foreach (var problem in e.Diagnostics)
                {
                    Console.Error.WriteLine($"  {Path.Combine(policyDirectory, problem.File)}:{problem.Line}:{problem.Column}: {problem.Message}");
                }

                if (e.Diagnostics.Count == 0)
                {
                    Console.Error.WriteLine($"  {e.Message}");
                }

                return ExitCodes.UsageOrConnection;
            }

            Console.WriteLine($"Policy set {set.Digest} from {policyDirectory}: {string.Join(", ", set.Policies.Select(p => $"{p.Id} v{p.Version}"))}");
            var log = new LogSettings
            {
                Origin = parse.GetValue(logName)!,
                CheckpointInterval = TimeSpan.FromMilliseconds(parse.GetValue(checkpointInterval)),
            };
            RateLimits limits;
            try
            {
                log.Validate();
                limits = new RateLimits
                {
                    Writes = Bucket(parse.GetValue(writeRate) ?? "50/s", parse.GetValue(writeBurst)),
                    Reports = Bucket(parse.GetValue(reportRate) ?? "1/6s", parse.GetValue(reportBurst)),
                    ExpensiveReads = Cap(parse.GetValue(expensiveReads) ?? "4", parse.GetValue(expensiveReadsPerIdentity)),
                };
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"mlledger serve: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }

            var listening = (Urls: parse.GetValue(urls)!, Dev: parse.GetValue(dev), OnNetwork: parse.GetValue(devOnNetwork));
            try
            {
                DevModeExposure.Check(listening.Urls, listening.Dev, listening.OnNetwork); // before the embedded cluster starts
            }
            catch (HostConfigurationException e)
            {
                Console.Error.WriteLine($"mlledger serve: {e.Message}");
                return ExitCodes.UsageOrConnection;
            }

            return await Serve(directory, parse.GetValue(db), listening, jwt, console, set, log, limits, ct);
        });
        return command;
    }

    private static async Task<int> Serve(string dataDirectory, string? connectionString, (string Urls, bool Dev, bool OnNetwork) listening,
        JwtSettings jwt, MlLedger.Api.Console.ConsoleSettings console, PolicySet policies, LogSettings log, RateLimits limits, CancellationToken ct)
    {
        EmbeddedPostgres? embedded = null;
        try
        {
            if (connectionString is null)
            {
                Console.WriteLine("Starting the embedded PostgreSQL cluster ...");
                embedded = await EmbeddedPostgres.StartAsync(dataDirectory, ct);
                Console.WriteLine($"Embedded PostgreSQL is running from {embedded.ClusterDirectory} on 127.0.0.1:{embedded.Port}");
                connectionString = embedded.ConnectionStringFor(EmbeddedPostgres.DatabaseName);
            }

            var options = new LedgerHostOptions
            {
                ConnectionString = connectionString,
                KeysDirectory = Path.Combine(dataDirectory, "keys"),
                Urls = listening.Urls,
                DevMode = listening.Dev,
                DevModeOnNetwork = listening.OnNetwork,
                Jwt = jwt,
                Console = console,
                Policies = policies,
                Log = log,
                RateLimits = limits,
            };
            var app = LedgerHost.Build(options);
            await app.StartAsync(ct);
            ServeBanner.Print(options, dataDirectory);
            await app.WaitForShutdownAsync(ct);
            await app.DisposeAsync();
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is EmbeddedPostgresException or AuthConfigurationException or KeyFileException or HostConfigurationException)
        {
            Console.Error.WriteLine($"mlledger serve: {e.Message}");
            return ExitCodes.UsageOrConnection;
        }
        finally
        {
            if (embedded is not null)
            {
                Console.WriteLine("Stopping the embedded PostgreSQL cluster ...");
                await embedded.DisposeAsync();
            }
        }
    }

    /// <summary>A duration written with a unit: <c>30s</c>, <c>5min</c>, <c>1h</c>; null when not given.</summary>
    private static TimeSpan? Duration(string? text, string flag)
    {
        if (text is null)
        {
            return null;
        }

        var unit = text.TrimStart("0123456789".ToCharArray());
        if (unit.Length == text.Length || !int.TryParse(text[..^unit.Length], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new ArgumentException($"{flag} '{text}' is not a duration such as 30s, 5min or 1h");
        }

        return unit switch
        {
            "s" => TimeSpan.FromSeconds(count),
            "min" => TimeSpan.FromMinutes(count),
            "h" => TimeSpan.FromHours(count),
            _ => throw new ArgumentException($"{flag} '{text}' is not a duration such as 30s, 5min or 1h"),
        };
    }

    /// <summary>A rate limit from its flags: <c>off</c> is unlimited.</summary>
    private static TokenBucket? Bucket(string rate, int burst) =>
        string.Equals(rate, "off", StringComparison.OrdinalIgnoreCase) ? null : TokenBucket.Parse(rate, burst);

    /// <summary>A concurrency cap from its flags: <c>off</c> is none.</summary>
    private static ConcurrencyCap? Cap(string total, int perIdentity) =>
        string.Equals(total, "off", StringComparison.OrdinalIgnoreCase) ? null
        : int.TryParse(total, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? ConcurrencyCap.Of(perIdentity, n)
            : throw new ArgumentException($"--expensive-reads '{total}' is not a number of requests or off");

    private static Option<int> IntOption(string name, string description, string variable, int fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => int.TryParse(EnvValue(variable), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback,
    };

    private static Option<string?> Env(Option<string?> option, string variable)
    {
        option.DefaultValueFactory = _ => EnvValue(variable);
        return option;
    }

    /// <summary>An environment variable that is set but empty counts as not set.</summary>
    private static string? EnvValue(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
}
