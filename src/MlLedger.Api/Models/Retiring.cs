using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Models;

namespace MlLedger.Api.Models;

public sealed record RetireModelVersionRequest(string Reason);

internal sealed class RetireModelVersionValidator : AbstractValidator<RetireModelVersionRequest>
{
    public RetireModelVersionValidator() => RuleFor(r => r.Reason).NotEmpty().IsText();
}

internal static class Retiring
{
    public static Task<IResult> Handle(string name, string version, RetireModelVersionRequest request, HttpContext http, LedgerWriter writer)
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
            var events = ModelVersionDecider.Decide(new RetireModelVersion(request.Reason, ledger.Actor.Id, ledger.Now), state);
            await ledger.Append(stream, events, ModelEndpoints.Subject(name, version, state.ArtifactSha256));
            return new WriteOutcome.Done(ModelVersionIds.Of(name, version), stream.Key!);
        });
    }
}
