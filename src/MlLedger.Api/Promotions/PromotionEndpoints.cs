using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;

namespace MlLedger.Api.Promotions;

internal static class PromotionEndpoints
{
    public static void MapPromotions(this WebApplication app)
    {
        var group = app.MapGroup("/v1/promotions").WithTags("Promotions");
        group.MapPost("/", Requesting.Handle).RequireAuthorization(LedgerPolicies.RequestPromotion)
            .Validates<RequestPromotionRequest>().Produces<WriteReceipt>(StatusCodes.Status201Created)
            .WithSummary("Request promotion of a model version to staging or production; the requester can never approve it.");
        group.MapPost("/{id}/approvals", Approving.Handle).RequireAuthorization(LedgerPolicies.Approve)
            .Validates<ApprovalRequest>().Produces<WriteReceipt>()
            .WithSummary("Approve or reject a pending promotion. The approver is the token's subject; a rejection ends the promotion.");
        group.MapPost("/{id}/withdrawal", Withdrawing.Handle).RequireAuthorization(LedgerPolicies.Withdraw)
            .Validates<WithdrawPromotionRequest>().Produces<WriteReceipt>()
            .WithSummary("Withdraw a pending promotion (its requester, or an admin).");
        group.MapGet("/", Listing.Handle).RequireAuthorization(LedgerPolicies.Read)
            .Produces<Page<PromotionSummary>>().ProducesValidationProblem()
            .WithSummary("Promotions, newest request first, by status, model and target stage; awaiting=me: the pending ones the caller " +
                         "may still decide and whose quorum waits on someone like them. Keyset-paged: limit (default 50, max 500) and cursor.");
        group.MapGet("/{id}", Reading.Handle).RequireAuthorization(LedgerPolicies.Read).Produces<PromotionDetails>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("A promotion with every approval decision; the ETag is its stream version.");
    }
}
