using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;

namespace MlLedger.Api.Datasets;

public sealed record WithdrawDatasetRequest(string Reason);

internal sealed class WithdrawDatasetValidator : AbstractValidator<WithdrawDatasetRequest>
{
    public WithdrawDatasetValidator() => RuleFor(r => r.Reason).NotEmpty().IsText();
}

internal static class Withdrawing
{
    public static Task<IResult> Handle(string id, WithdrawDatasetRequest request, HttpContext http, LedgerWriter writer) =>
        writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<Dataset>(StreamKeys.Dataset(id));
            var state = await ledger.State(stream) ?? Dataset.Initial;
            WriteContext.RequireFound(state.Status != DatasetStatus.Unregistered, $"Dataset {id}");
            var events = DatasetDecider.Decide(new WithdrawDataset(request.Reason, ledger.Actor.Id, ledger.Now), state);
            await ledger.Append(stream, events, DatasetEndpoints.Subject(id, state.Sha256));
            return new WriteOutcome.Done(id, stream.Key!);
        });
}
