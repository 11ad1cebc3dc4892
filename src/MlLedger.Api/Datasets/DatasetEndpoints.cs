using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;

namespace MlLedger.Api.Datasets;

internal static class DatasetEndpoints
{
    public static void MapDatasets(this WebApplication app)
    {
        var group = app.MapGroup("/v1/datasets").WithTags("Datasets");
        group.MapPost("/", Registering.Handle).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<RegisterDatasetRequest>().Produces<WriteReceipt>(StatusCodes.Status201Created)
            .WithSummary("Register a dataset version (name@version) with its content digest, license and lineage.");
        group.MapPost("/{id}/checks", RecordingChecks.Handle).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<RecordDatasetCheckRequest>().Produces<WriteReceipt>()
            .WithSummary("Record the result of a dataset check such as pii-scan.");
        group.MapPost("/{id}/withdrawal", Withdrawing.Handle).RequireAuthorization(LedgerPolicies.PipelineWrite)
            .Validates<WithdrawDatasetRequest>().Produces<DatasetWithdrawalReceipt>()
            .WithSummary("Withdraw a dataset: no new model version may name it.");
        group.MapGet("/", Listing.Handle).RequireAuthorization(LedgerPolicies.Read)
            .Produces<Page<DatasetSummary>>().ProducesValidationProblem()
            .WithSummary("Dataset versions, newest registration first, by name and status (active, withdrawn). " +
                         "Keyset-paged: limit (default 50, max 500) and cursor.");
        group.MapGet("/{id}", Reading.Handle).RequireAuthorization(LedgerPolicies.Read).Produces<DatasetDetails>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("A dataset with its checks and status; the ETag is its stream version.");
    }

    /// <summary>The statement subject of dataset entries: the dataset and its content digest.</summary>
    public static Integrity.Statements.StatementSubject Subject(string datasetId, string sha256) =>
        new(Domain.StreamKeys.Dataset(datasetId), sha256);
}
