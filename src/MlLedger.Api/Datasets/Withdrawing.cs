using FluentValidation;
using MlLedger.Api.Http;
using System.Text.Json.Nodes;
using MlLedger.Api.Ledger;
using MlLedger.Api.Lineage;
using MlLedger.Api.Policies;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;

namespace MlLedger.Api.Datasets;

public sealed record WithdrawDatasetRequest(string Reason);

/// <summary>
/// The answer to a withdrawal: the receipt, and what the dataset reaches downstream (<see cref="Impact"/>), or, when that
/// graph is too large to walk here, why not (<see cref="ImpactError"/>).
/// </summary>
public sealed record DatasetWithdrawalReceipt(string Id, long Version, IReadOnlyList<EntryReceipt> Entries, ImpactView? Impact, string? ImpactError);

internal sealed class WithdrawDatasetValidator : AbstractValidator<WithdrawDatasetRequest>
{
    public WithdrawDatasetValidator() => RuleFor(r => r.Reason).NotEmpty().IsText();
}

internal static class Withdrawing
{
    /// <summary>Withdraws the dataset; the answer's <c>impact</c> names what was built on it and where that is deployed now.</summary>
    public static Task<IResult> Handle(string id, WithdrawDatasetRequest request, HttpContext http, LedgerWriter writer, LineageQuery lineage) =>
        writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<Dataset>(StreamKeys.Dataset(id));
            var state = await ledger.State(stream) ?? Dataset.Initial;
            WriteContext.RequireFound(state.Status != DatasetStatus.Unregistered, $"Dataset {id}");
            var events = DatasetDecider.Decide(new WithdrawDataset(request.Reason, ledger.Actor.Id, ledger.Now), state);
            await ledger.Append(stream, events, DatasetEndpoints.Subject(id, state.Sha256));
            // the withdrawal never depends on the impact: a graph too large to walk is said, not failed on
            JsonObject body;
            try
            {
                var impact = await Impact.Of(id, new AsOfView(null, null), LineageCut.Now, lineage, ledger.Cancellation);
                body = new JsonObject { ["impact"] = PolicyJson.Node(impact with { Status = "withdrawn" }), ["impactError"] = null };
            }
            catch (LineageTooLargeException tooLarge)
            {
                body = new JsonObject { ["impact"] = null, ["impactError"] = $"lineage-too-large: {tooLarge.Message} Ask GET /v1/datasets/{id}/impact." };
            }

            return new WriteOutcome.Done(id, stream.Key!) { Body = body };
        });
}
