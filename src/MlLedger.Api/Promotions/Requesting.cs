using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Models;
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
    public static Task<IResult> Handle(RequestPromotionRequest request, HttpContext http, LedgerWriter writer, ApprovalQuorum quorum) =>
        writer.Execute(http, request, async ledger =>
        {
            if (!StageNames.TryParse(request.TargetStage, out var target))
            {
                throw new InvalidOperationException($"the validator let through target stage '{request.TargetStage}'");
            }

            var id = Guid.CreateVersion7(ledger.Now).ToString();
            var stream = await ledger.FetchPrimary<Promotion>(StreamKeys.Promotion(id));
            var model = await ModelEndpoints.Facts(ledger.Session, request.Model, request.Version, ledger.Cancellation);
            var events = PromotionDecider.Decide(
                new RequestPromotion(id, model, target, request.Justification, quorum, ledger.Actor.Id, ledger.Now),
                (await ledger.State(stream) ?? Promotion.Initial));
            await ledger.Append(stream, events, ModelEndpoints.Subject(request.Model, request.Version, model.ArtifactSha256));
            return new WriteOutcome.Created(id, stream.Key!, $"/v1/promotions/{id}");
        });
}
