using Marten;
using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Models;
using MlLedger.Integrity.Statements;

namespace MlLedger.Api.Models;

internal static class ModelEndpoints
{
    public static void MapModels(this WebApplication app)
    {
        app.MapGet("/v1/models", Listing.Handle).RequireAuthorization(LedgerPolicies.Read).WithTags("Model versions")
            .Produces<Page<ModelSummary>>().ProducesValidationProblem()
            .WithSummary("Models by name, each with its number of versions, its latest and the versions now in production and staging. " +
                         "Keyset-paged: limit (default 50, max 500) and cursor.");
        var group = app.MapGroup("/v1/models/{name}/versions").WithTags("Model versions");
        group.MapGet("/", Listing.HandleVersions).RequireAuthorization(LedgerPolicies.Read)
            .Produces<Page<ModelVersionSummary>>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The versions of a model, newest registration first. Keyset-paged: limit (default 50, max 500) and cursor.");
        group.MapPost("/", RegisteringVersions.Handle).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<RegisterModelVersionRequest>().Produces<WriteReceipt>(StatusCodes.Status201Created)
            .WithSummary("Register a model version: artifact digest, training run, code commit and the datasets it was trained on.");
        group.MapPost("/{version}/evaluations", RecordingEvaluations.Handle).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<RecordEvaluationRequest>().Produces<WriteReceipt>(StatusCodes.Status201Created)
            .WithSummary("Record an evaluation of a model version on a dataset.");
        group.MapPost("/{version}/retirement", Retiring.Handle).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<RetireModelVersionRequest>().Produces<WriteReceipt>()
            .WithSummary("Retire a model version: it can no longer be promoted or deployed.");
        group.MapGet("/{version}", ReadingVersions.Handle).RequireAuthorization(LedgerPolicies.Read).Produces<ModelVersionDetails>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("A model version with its stage, stage history and evaluations; the ETag is its stream version.");
    }

    /// <summary>Entries about a model version name the exact artifact bytes they are about.</summary>
    public static StatementSubject Subject(string model, string version, string artifactSha256) =>
        new(StreamKeys.ModelVersion(model, version), artifactSha256);

    /// <summary>What promotion and deployment deciders need to know about a model version.</summary>
    public static async Task<ModelVersionFacts> Facts(IQuerySession session, string model, string version, CancellationToken ct)
    {
        var state = await session.Events.AggregateStreamAsync<ModelVersion>(StreamKeys.ModelVersion(model, version), token: ct);
        return state is { Registered: true } ? ModelVersionFacts.Of(state) : ModelVersionFacts.NotFound(model, version);
    }
}
