using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Models;
using MlLedger.Api.Policies;
using MlLedger.Domain;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Policies;

namespace MlLedger.Api.Deployments;

public sealed record RecordDeploymentRequest(string Model, string Version, string Environment, string? Endpoint, string ArtifactSha256);

internal sealed class RecordDeploymentValidator : AbstractValidator<RecordDeploymentRequest>
{
    public RecordDeploymentValidator()
    {
        RuleFor(r => r.Model).IsName();
        RuleFor(r => r.Version).IsVersion();
        RuleFor(r => r.Environment).IsName();
        RuleFor(r => r.Endpoint).MaximumLength(2048)
            .Must(e => e is null || Uri.TryCreate(e, UriKind.Absolute, out _)).WithMessage("'Endpoint' must be an absolute URI.");
        RuleFor(r => r.ArtifactSha256).IsSha256();
    }
}

internal static class Recording
{
    /// <summary>
    /// Every attempt is recorded; a refusal (by the stage the environment requires, or by the policies for that
    /// stage) is recorded as DeploymentBlocked, with the decision, and answered 409.
    /// </summary>
    public static Task<IResult> Handle(RecordDeploymentRequest request, HttpContext http, LedgerWriter writer, PolicyGate gate) =>
        writer.Execute(http, request, async ledger =>
        {
            var id = Guid.CreateVersion7(ledger.Now).ToString();
            var stream = await ledger.FetchPrimary<Deployment>(StreamKeys.Deployment(id));
            var model = await ModelEndpoints.Facts(ledger.Session, request.Model, request.Version, ledger.Cancellation);
            var required = gate.Policies.Environments.RequiredStageFor(request.Environment);
            PolicyDecision? decision = null;
            PolicyFacts? facts = null;
            if (required is { } stage)
            {
                var asked = new PolicyRequestFacts(PolicyRequestKinds.Deployment, StageNames.Of(stage), request.Environment,
                    ledger.Actor.Id, request.ArtifactSha256, ledger.Now);
                if (await gate.Decide(ledger.Session, request.Model, request.Version, asked, promotion: null, ledger.Cancellation) is { } taken)
                {
                    (facts, decision) = taken;
                }
            }

            var events = DeploymentDecider.Decide(new RecordDeployment(
                id, model, request.Model, request.Version, request.Environment, request.Endpoint, request.ArtifactSha256,
                required, decision, ledger.Actor.Id, ledger.Now) { Facts = facts }, (await ledger.State(stream) ?? Deployment.Initial));

            // the subject is the artifact actually deployed, so a mismatch is visible in the signed entry itself
            await ledger.Append(stream, events, ModelEndpoints.Subject(request.Model, request.Version, request.ArtifactSha256));
            return events.OfType<DeploymentBlocked>().SingleOrDefault() is { } blocked
                ? new WriteOutcome.RecordedRefusal(id, stream.Key!, blocked.Code, blocked.Reason) { Body = PolicyJson.DecisionBody(blocked.Decision) }
                : new WriteOutcome.Created(id, stream.Key!, $"/v1/deployments/{id}");
        });
}
