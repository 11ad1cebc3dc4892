using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;

namespace MlLedger.Api.Datasets;

public sealed record RecordDatasetCheckRequest(string Check, string Result, string? Details);

internal sealed class RecordDatasetCheckValidator : AbstractValidator<RecordDatasetCheckRequest>
{
    public static readonly string[] Results = ["passed", "failed"];

    public RecordDatasetCheckValidator()
    {
        RuleFor(r => r.Check).IsName();
        RuleFor(r => r.Result).NotEmpty().Must(r => Results.Contains(r, StringComparer.Ordinal))
            .WithMessage("'Result' must be 'passed' or 'failed'.");
        RuleFor(r => r.Details).IsText();
    }
}

internal static class RecordingChecks
{
    public static Task<IResult> Handle(string id, RecordDatasetCheckRequest request, HttpContext http, LedgerWriter writer) =>
        writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<Dataset>(StreamKeys.Dataset(id));
            var state = await ledger.State(stream) ?? Dataset.Initial;
            WriteContext.RequireFound(state.Status != DatasetStatus.Unregistered, $"Dataset {id}");
            var events = DatasetDecider.Decide(
                new RecordDatasetCheck(request.Check, request.Result, request.Details, ledger.Actor.Id, ledger.Now), state);
            await ledger.Append(stream, events, DatasetEndpoints.Subject(id, state.Sha256));
            return new WriteOutcome.Done(id, stream.Key!);
        });
}
