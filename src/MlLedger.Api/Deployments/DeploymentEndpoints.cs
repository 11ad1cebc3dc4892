using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;

namespace MlLedger.Api.Deployments;

internal static class DeploymentEndpoints
{
    public static void MapDeployments(this WebApplication app)
    {
        var group = app.MapGroup("/v1/deployments").WithTags("Deployments");
        group.MapPost("/", Recording.Handle).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<RecordDeploymentRequest>().Produces<WriteReceipt>(StatusCodes.Status201Created)
            .Produces<RecordedRefusalProblem>(StatusCodes.Status409Conflict, "application/problem+json")
            .WithSummary("Record a deployment. A refused one (stage not reached, artifact mismatch, unknown environment) is recorded as DeploymentBlocked and answered 409.");
        group.MapPost("/{id}/rollback", Ending.RollBack).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<EndDeploymentRequest>().Produces<WriteReceipt>()
            .WithSummary("Record that an active deployment was rolled back.");
        group.MapPost("/{id}/retirement", Ending.Retire).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<EndDeploymentRequest>().Produces<WriteReceipt>()
            .WithSummary("Record that an active deployment was retired.");
        group.MapGet("/", Listing.Handle).RequireAuthorization(LedgerPolicies.Read).Produces<DeploymentList>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Deployments, optionally of one environment and status (active, blocked, rolledBack, retired).");
        group.MapGet("/{id}", Listing.One).RequireAuthorization(LedgerPolicies.Read).Produces<DeploymentDetails>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One deployment or blocked attempt.");
    }
}
