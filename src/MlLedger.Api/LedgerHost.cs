using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using Marten;
using MlLedger.Api.Auth;
using MlLedger.Api.Console;
using MlLedger.Api.Datasets;
using MlLedger.Api.Deployments;
using MlLedger.Api.Entries;
using MlLedger.Api.Health;
using MlLedger.Api.Hosting;
using MlLedger.Api.Http;
using MlLedger.Api.Keys;
using MlLedger.Api.Ledger;
using MlLedger.Api.Lineage;
using MlLedger.Api.Log;
using MlLedger.Api.Models;
using MlLedger.Api.Policies;
using MlLedger.Api.Promotions;
using MlLedger.Api.Reports;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using Scalar.AspNetCore;

namespace MlLedger.Api;

/// <summary>Builds the ledger's web host: storage, keys, auth, and one endpoint group per feature.</summary>
public static class LedgerHost
{
    /// <summary>The deepest nesting a request body may have.</summary>
    private const int MaxJsonDepth = 32;

    public static WebApplication Build(LedgerHostOptions options, Action<ILoggingBuilder>? logging = null)
    {
        DevModeExposure.Check(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = options.DevMode ? Environments.Development : Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.AddFilter("Marten", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // the console's cookie keys are kept unencrypted in a directory only the ledger's user can read (ConsoleSetup), like its signing keys
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        logging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });

        var services = builder.Services;
        options.Log.Validate();
        var keys = new LedgerKeys(LedgerKeyStore.LoadOrCreate(options.KeysDirectory, options.Clock));
        services.AddSingleton(keys);
        services.AddSingleton(new KeyDirectory(options.KeysDirectory));
        // the keys as they are at the moment of asking: a rotation replaces them while the ledger runs
        services.AddTransient(_ => keys.Current.Ring);
        services.AddTransient(_ => keys.Current.Trusted);
        services.AddSingleton(options.Clock);
        services.AddSingleton(new PolicyGate(options.Policies));
        services.AddSingleton<LedgerWriter>();

        services.AddMarten(marten => MartenSetup.Configure(marten, options.ConnectionString, options.Schema, keys))
            .UseLightweightSessions()
            .ApplyAllDatabaseChangesOnStartup()
            .AddAsyncDaemon(options.Sequencer);
        services.AddHostedService<PolicySetPublisher>(); // after Marten's schema changes, which run first

        using (var dev = options.DevMode ? DevTokens.LoadOrCreate(options.KeysDirectory) : null)
        {
            services.AddLedgerAuth(options.Jwt, dev?.ValidationKey, options.Console, options.KeysDirectory);
        }

        services.AddConsole(options);
        services.AddLedgerRateLimits(options.RateLimits);
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = ProblemCodes.AddDefaultCode);
        services.AddExceptionHandler<LedgerExceptionHandler>();
        services.AddValidatorsFromAssemblyContaining<LedgerWriter>(includeInternalTypes: true);
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.AllowDuplicateProperties = false; // a duplicate key would be signed, then fail strict verification
            json.SerializerOptions.MaxDepth = MaxJsonDepth;
            // one rule for types everywhere: a number field takes a JSON number, a text field a JSON string ("0.99" is not a metric)
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        });
        services.AddOpenApi(openApi => OpenApiContract.Configure(openApi, options.Jwt));
        services.AddSingleton(_ => new LedgerDatabase(options.ConnectionString, options.Schema, options.ReadLimits)); // disposed with the host: its pool closes
        services.AddSingleton(options.Log);
        services.AddSingleton(options.ReadLimits);
        services.AddSingleton(sp => new LogStore(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<IDocumentStore>(), options.Schema));
        services.AddSingleton<LogProofs>();
        services.AddSingleton(sp => new LineageQuery(sp.GetRequiredService<LedgerDatabase>(), options.Schema));
        services.AddHostedService(sp => new LineageBackfill(sp.GetRequiredService<LedgerDatabase>(), options.Schema,
            sp.GetRequiredService<ILogger<LineageBackfill>>()));
        services.AddHostedService(sp => new EntryIndexBackfill(sp.GetRequiredService<LedgerDatabase>(), options.Schema,
            sp.GetRequiredService<ILogger<EntryIndexBackfill>>()));
        services.AddSingleton(sp => new LedgerEntries(sp.GetRequiredService<LedgerDatabase>(), sp.GetRequiredService<LedgerKeys>(), options.Schema,
            options.ReadLimits.ReportEntries));
        services.AddSingleton<ReportServices>();
        services.AddSingleton<LogSelfCheck>();
        services.AddSingleton(new CheckpointMemory(options.KeysDirectory));
        services.AddSingleton<CheckpointIssuer>();
        services.AddHostedService(sp => sp.GetRequiredService<CheckpointIssuer>());
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<LogHealthCheck>("log", tags: [HealthEndpoints.ReadyTag]);

        var app = builder.Build();
        DevModeExposure.Warn(options, app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MlLedger.Api.DevMode"));
        app.UseClosingAfterUnreadBodies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseConsoleHeaders(options.Jwt.Authority);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter(); // after authorization: an unauthenticated call is 401 and a forbidden one 403, never 429
        app.UseRequestValueRules(MaxJsonDepth);

        app.MapOpenApi().AllowAnonymous();
        if (options.DevMode)
        {
            app.MapScalarApiReference().AllowAnonymous();
        }

        app.MapHealth();
        app.MapDatasets();
        app.MapModels();
        app.MapPromotions();
        app.MapDeployments();
        app.MapEntries();
        app.MapLog();
        app.MapLineage();
        app.MapReports();
        app.MapPolicies();
        app.MapConsole();
        return app;
    }
}
