using MlLedger.Domain.Promotions;
using static MlLedger.Domain.Tests.PromotionSamples;

namespace MlLedger.Domain.Tests;

/// <summary>Withdrawing a promotion: by its requester or an admin, and only while it is pending.</summary>
public sealed class PromotionWithdrawalTests
{
    [Fact]
    public void Given_pending_promotion_When_requester_withdraws_Then_promotion_withdrawn() =>
        Spec()
            .Given(ToProduction)
            .When(new WithdrawPromotion(Requester, false, "wrong version", Fixed.Later(1)))
            .Then(new PromotionWithdrawn(Pid, Requester, "wrong version", Fixed.Later(1)));

    [Fact]
    public void Given_pending_promotion_When_an_admin_withdraws_Then_promotion_withdrawn() =>
        Spec()
            .Given(ToProduction)
            .When(new WithdrawPromotion("root", true, "stale", Fixed.Later(1)))
            .Then(new PromotionWithdrawn(Pid, "root", "stale", Fixed.Later(1)));

    [Fact]
    public void Given_pending_promotion_When_a_stranger_withdraws_Then_rejected_as_not_requester() =>
        Spec().Given(ToProduction).When(new WithdrawPromotion("mallory", false, null, Fixed.Later(1))).ThenRejected("not-requester");

    [Fact]
    public void Given_nothing_When_withdrawing_Then_rejected_as_not_found() =>
        Spec().When(new WithdrawPromotion(Requester, false, null, Fixed.Now)).ThenRejected("promotion-not-found");

    [Fact]
    public void Given_rejected_promotion_When_requester_withdraws_Then_rejected_as_not_pending() =>
        Spec()
            .Given(ToProduction, RejectedByCarol)
            .When(new WithdrawPromotion(Requester, false, null, Fixed.Later(6)))
            .ThenRejected("promotion-not-pending");
}
