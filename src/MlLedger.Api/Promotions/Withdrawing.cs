using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Models;
using MlLedger.Domain;
using MlLedger.Domain.Promotions;

namespace MlLedger.Api.Promotions;

public sealed record WithdrawPromotionRequest(string? Reason);

internal sealed class WithdrawPromotionValidator : AbstractValidator<WithdrawPromotionRequest>
{
    public WithdrawPromotionValidator() => RuleFor(r => r.Reason).IsText();
}

internal static class Withdrawing
{
    public static Task<IResult> Handle(string id, WithdrawPromotionRequest request, HttpContext http, LedgerWriter writer) =>
        writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<Promotion>(StreamKeys.Promotion(id));
            var promotion = await ledger.State(stream) ?? Promotion.Initial;
            WriteContext.RequireFound(promotion.Status != PromotionStatus.None, $"Promotion {id}");
            var events = PromotionDecider.Decide(
                new WithdrawPromotion(ledger.Actor.Id, ledger.Actor.IsAdmin, request.Reason, ledger.Now) { ActorIssuer = ledger.Actor.Issuer },
                promotion);
            await ledger.Append(stream, events, ModelEndpoints.Subject(promotion.Model, promotion.Version, promotion.ArtifactSha256));
            return new WriteOutcome.Done(id, stream.Key!);
        });
}
