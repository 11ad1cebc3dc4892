using FluentValidation;
using MlLedger.Api.Datasets;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;
using MlLedger.Domain.Models;

namespace MlLedger.Api.Models;

public sealed record RecordEvaluationRequest(string Dataset, IReadOnlyDictionary<string, double> Metrics);

internal sealed class RecordEvaluationValidator : AbstractValidator<RecordEvaluationRequest>
{
    public RecordEvaluationValidator()
    {
        RuleFor(r => r.Dataset).IsDatasetId();
        RuleFor(r => r.Metrics).NotEmpty().WithMessage("'Metrics' must hold at least one metric.")
            .Must(m => m is null || m.Count <= FieldRules.MaxListLength).WithMessage("'Metrics' may hold at most 256 metrics.");
        RuleForEach(r => r.Metrics).Must(m => m.Key.Length is > 0 and <= FieldRules.MaxNameLength && FieldRules.IsPlainText(m.Key) && double.IsFinite(m.Value))
            .WithMessage("each metric needs a name of 1-128 plain characters and a finite number.");
    }
}

internal static class RecordingEvaluations
{
    public static Task<IResult> Handle(string name, string version, RecordEvaluationRequest request, HttpContext http, LedgerWriter writer)
    {
        if (ModelName.Problem(name, version) is { } problem)
        {
            return Task.FromResult(problem);
        }

        return writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<ModelVersion>(StreamKeys.ModelVersion(name, version));
            var state = await ledger.State(stream) ?? ModelVersion.Initial;
            WriteContext.RequireFound(state.Registered, $"Model version {name}@{version}");
            var datasets = await DatasetStatuses.Of(ledger.Session, [request.Dataset], ledger.Cancellation);
            var evaluationId = Guid.CreateVersion7(ledger.Now).ToString();
            var events = ModelVersionDecider.Decide(new RecordEvaluation(
                evaluationId, request.Dataset, request.Metrics,
                datasets.GetValueOrDefault(request.Dataset, DatasetStatus.Unregistered), ledger.Actor.Id, ledger.Now), state);
            await ledger.Append(stream, events, ModelEndpoints.Subject(name, version, state.ArtifactSha256));
            return new WriteOutcome.Created(evaluationId, stream.Key!, $"/v1/models/{name}/versions/{version}");
        });
    }
}
