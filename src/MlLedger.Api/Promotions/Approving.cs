using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Models;
using MlLedger.Api.Policies;
using MlLedger.Domain;
using MlLedger.Domain.Models;
using MlLedger.Domain.Promotions;

namespace MlLedger.Api.Promotions;

public sealed record ApprovalRequest(string Decision, string? Comment);

internal sealed class ApprovalValidator : AbstractValidator<ApprovalRequest>
{
    public ApprovalValidator()
    {
        RuleFor(r => r.Decision).NotEmpty().Must(d => d is ApprovalDecision.Approve or ApprovalDecision.Reject)
            .WithMessage("'Decision' must be 'approve' or 'reject'.");
        RuleFor(r => r.Comment).IsText();
    }
}

internal static class Approving
{
    /// <summary>
    /// The approver is the token's issuer and subject. After an approval the policies are evaluated again; when they allow
    /// it the promotion completes and the model version's stage changes, in the same transaction.
    /// </summary>
    public static Task<IResult> Handle(string id, ApprovalRequest request, HttpContext http, LedgerWriter writer, PolicyGate gate) =>
        writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<Promotion>(StreamKeys.Promotion(id));
            var promotion = await ledger.State(stream) ?? Promotion.Initial;
            WriteContext.RequireFound(promotion.Status != PromotionStatus.None, $"Promotion {id}");
            var model = await ModelEndpoints.Facts(ledger.Session, promotion.Model, promotion.Version, ledger.Cancellation);
            PromotionCommand command = request.Decision == ApprovalDecision.Approve
                ? new ApprovePromotion(ledger.Actor.Id, ledger.Actor.Roles, request.Comment, model, ledger.Now) { ApproverIssuer = ledger.Actor.Issuer }
                : new RejectPromotion(ledger.Actor.Id, ledger.Actor.Roles, request.Comment, ledger.Now) { ApproverIssuer = ledger.Actor.Issuer };
            try
            {
                var events = PromotionDecider.Decide(command, promotion);
                if (command is ApprovePromotion)
                {
                    events = await PromotionPolicy.Evaluate(ledger, gate, stream, promotion, events);
                }

                var subject = PromotionPolicy.Subject(promotion);
                await ledger.Append(stream, events, subject);
                if (events.OfType<PromotionApproved>().SingleOrDefault() is { } approved)
                {
                    await ChangeStage(ledger, approved, promotion.Model, promotion.Version, subject);
                }
            }
            catch (DomainRejection rejection) when (rejection.Code == "already-in-stage")
            {
                if (await Moved(ledger, stream))
                {
                    // the promotion was completed by a concurrent approval after it was read: decide again
                    throw new StaleRead($"promotion {id} changed while it was being approved");
                }

                throw;
            }

            return new WriteOutcome.Done(id, stream.Key!);
        });

    /// <summary>A completed promotion moves the model version's stage, in the same transaction.</summary>
    public static async Task ChangeStage(WriteContext ledger, PromotionApproved approved, string model, string version,
        Integrity.Statements.StatementSubject subject)
    {
        var modelStream = await ledger.Fetch<ModelVersion>(StreamKeys.ModelVersion(model, version));
        var stageChanged = ModelVersionDecider.Decide(
            new ChangeStage(approved.TargetStage, approved.PromotionId, ledger.Now), await ledger.State(modelStream) ?? ModelVersion.Initial);
        await ledger.Append(modelStream, stageChanged, subject);
    }

    private static async Task<bool> Moved(WriteContext ledger, JasperFx.Events.IEventStream<Promotion> stream) =>
        (await ledger.Session.Events.FetchStreamStateAsync(stream.Key!, ledger.Cancellation))?.Version != stream.StartingVersion;
}
