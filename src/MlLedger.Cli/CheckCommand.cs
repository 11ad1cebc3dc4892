using System.CommandLine;
using MlLedger.Api.Ledger;
using MlLedger.Api.Policies;

namespace MlLedger.Cli;

/// <summary>
/// <c>mlledger check --model churn --version 7 --stage production</c>: asks the ledger whether the policies allow a
/// model version into a stage (or, with --environment, onto an environment), records the check, and prints every
/// rule's result. Exit 0 allowed, 1 denied, 2 usage, connection, authentication or any other error.
/// </summary>
internal static class CheckCommand
{
    private const string Prefix = "mlledger check:";

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model name", Required = true };
        var version = new Option<string>("--version") { Description = "Model version", Required = true };
        var stage = new Option<string?>("--stage") { Description = "Target stage of a promotion: staging or production" };
        stage.AcceptOnlyFromAmong("staging", "production");
        var environment = new Option<string?>("--environment") { Description = "Environment of a deployment, e.g. prod-eu (the policy set gives the stage it requires)" };
        var artifact = new Option<string?>("--artifact-sha256") { Description = "SHA-256 of the artifact about to be deployed (with --environment)" };
        var server = CommonOptions.Server();
        var token = new Option<string?>("--token") { Description = "Bearer token with role pipeline (env MLLEDGER_TOKEN; default: the token of `mlledger login`)" };
        var output = OutputFormats.Option();
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Idempotency-Key header: a retry with the same key records no second check" };
        var command = new Command("check", "Ask the ledger whether the policies allow a model version into a stage or environment. Exit 0 allowed, 1 denied, 2 error")
        {
            model, version, stage, environment, artifact, server, token, output, idempotencyKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var request = new PolicyCheckRequest(
                parse.GetValue(model)!, parse.GetValue(version)!, parse.GetValue(stage), parse.GetValue(environment), parse.GetValue(artifact));
            if (Usage(request, parse.GetValue(idempotencyKey)) is { } problem)
            {
                error.WriteLine($"{Prefix} {problem}");
                return ExitCodes.UsageOrConnection;
            }

            if (await Login.BearerTokens.ForCommandAsync(parse.GetValue(token), error, ct) is not { } bearer)
            {
                error.WriteLine($"{Prefix} {Login.BearerTokens.Required} (a token with role pipeline)");
                return ExitCodes.UsageOrConnection;
            }

            var url = parse.GetValue(server);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var serverUri) || (serverUri.Scheme != Uri.UriSchemeHttp && serverUri.Scheme != Uri.UriSchemeHttps))
            {
                error.WriteLine($"{Prefix} --server '{url}' is not an http:// or https:// URL");
                return ExitCodes.UsageOrConnection;
            }

            using var http = new HttpClient();
            return await new PolicyCheckClient(http, parse.InvocationConfiguration.Output, error)
                .RunAsync(serverUri, bearer, request, parse.GetValue(idempotencyKey), parse.GetValue(output)!, ct);
        });
        return command;
    }

    /// <summary>What is wrong with the command line that the parser cannot see, or null.</summary>
    private static string? Usage(PolicyCheckRequest request, string? idempotencyKey)
    {
        if (string.IsNullOrWhiteSpace(request.Model) || string.IsNullOrWhiteSpace(request.Version))
        {
            return "--model and --version must not be empty";
        }

        if ((request.TargetStage is null) == (request.Environment is null))
        {
            return "give exactly one of --stage (a promotion check) and --environment (a deployment check)";
        }

        if (request.Environment is { Length: 0 })
        {
            return "--environment must not be empty";
        }

        if (request.ArtifactSha256 is not null && request.Environment is null)
        {
            return "--artifact-sha256 goes with --environment: it names the bytes about to be deployed";
        }

        return idempotencyKey is not null && !IdempotencyKeys.IsValid(idempotencyKey)
            ? "--idempotency-key must be 1-200 printable ASCII characters without spaces"
            : null;
    }
}
