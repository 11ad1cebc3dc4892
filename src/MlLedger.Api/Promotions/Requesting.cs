using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Models;
using MlLedger.Api.Policies;
using MlLedger.Domain;
using MlLedger.Domain.Models;
using MlLedger.Domain.Promotions;

namespace MlLedger.Api.Promotions;

public sealed record RequestPromotionRequest(string Model, string Version, string TargetStage, string Justification);

internal sealed class RequestPromotionValidator : AbstractValidator<RequestPromotionRequest>
{
    public RequestPromotionValidator()
    {
        RuleFor(r => r.Model).IsName();
        RuleFor(r => r.Version).IsVersion();
        RuleFor(r => r.TargetStage).NotEmpty().Must(s => StageNames.TryParse(s, out var stage) && stage != Stage.None)
            .WithMessage("'Target Stage' must be 'staging' or 'production'.");
        RuleFor(r => r.Justification).NotEmpty().IsText();
    }
}

internal static class Requesting
{
    public static Task<IResult> Handle(RequestPromotionRequest request, HttpContext http, LedgerWriter writer, PolicyGate gate) =>
        writer.Execute(http, request, async ledger =>
        {
            if (!StageNames.TryParse(request.TargetStage, out var target))
            {
                throw new InvalidOperationException($"the validator let through target stage '{request.TargetStage}'");
            }

            var id = Guid.CreateVersion7(ledger.Now).ToString();
            var stream = await ledger.FetchPrimary<Promotion>(StreamKeys.Promotion(id));
            var model = await ModelEndpoints.Facts(ledger.Session, request.Model, request.Version, ledger.Cancellation);
            var before = await ledger.State(stream) ?? Promotion.Initial;
            var requested = PromotionDecider.Decide(
                new RequestPromotion(id, model, target, request.Justification, ledger.Actor.Id, ledger.Now) { ActorIssuer = ledger.Actor.Issuer },
                before);
            var events = await PromotionPolicy.Evaluate(ledger, gate, stream, before, requested);
            var subject = ModelEndpoints.Subject(request.Model, request.Version, model.ArtifactSha256);
            await ledger.Append(stream, events, subject);
            if (events.OfType<PromotionApproved>().SingleOrDefault() is { } approved)
            {
                // the policies need no approval for this stage: the promotion completes at once
                await Approving.ChangeStage(ledger, approved, request.Model, request.Version, subject);
            }

            return new WriteOutcome.Created(id, stream.Key!, $"/v1/promotions/{id}");
        });
}
