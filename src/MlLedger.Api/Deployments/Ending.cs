using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Models;
using MlLedger.Domain;
using MlLedger.Domain.Deployments;

namespace MlLedger.Api.Deployments;

public sealed record EndDeploymentRequest(string Reason);

internal sealed class EndDeploymentValidator : AbstractValidator<EndDeploymentRequest>
{
    public EndDeploymentValidator() => RuleFor(r => r.Reason).NotEmpty().IsText();
}

internal static class Ending
{
    public static Task<IResult> RollBack(string id, EndDeploymentRequest request, HttpContext http, LedgerWriter writer) =>
        End(id, request, http, writer, ledger => new RollBackDeployment(request.Reason, ledger.Actor.Id, ledger.Now));

    public static Task<IResult> Retire(string id, EndDeploymentRequest request, HttpContext http, LedgerWriter writer) =>
        End(id, request, http, writer, ledger => new RetireDeployment(request.Reason, ledger.Actor.Id, ledger.Now));

    private static Task<IResult> End(string id, EndDeploymentRequest request, HttpContext http, LedgerWriter writer,
        Func<WriteContext, DeploymentCommand> command) =>
        writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<Deployment>(StreamKeys.Deployment(id));
            var deployment = await ledger.State(stream) ?? Deployment.Initial;
            WriteContext.RequireFound(deployment.Status != DeploymentStatus.None, $"Deployment {id}");
            var events = DeploymentDecider.Decide(command(ledger), deployment);
            await ledger.Append(stream, events, ModelEndpoints.Subject(deployment.Model, deployment.Version, deployment.ArtifactSha256));
            return new WriteOutcome.Done(id, stream.Key!);
        });
}
