using MlLedger.Domain.Promotions;
using static MlLedger.Domain.Tests.PromotionSamples;

namespace MlLedger.Domain.Tests;

/// <summary>
/// Separation of duties compares people by issuer and subject: the requester never decides, and one person decides
/// once. Subjects arrive canonical (the host refuses the rest and lowercases a case-insensitive issuer's); a person
/// recorded before issuers were recorded is matched against every issuer, ignoring case.
/// </summary>
public sealed class SeparationOfDutiesTests
{
    private const string OtherIssuer = "https://partner-login.example";

    private static readonly PromotionRequested RequestedWithoutIssuer = ToProduction with { RequestedByIssuer = null };

    private static ApprovePromotion ApproveAs(string? issuer, string subject) => Approve(subject) with { ApproverIssuer = issuer };

    private static RejectPromotion RejectAs(string? issuer, string subject) =>
        new(subject, ["approver"], "no", Fixed.Later(2)) { ApproverIssuer = issuer };

    [Fact]
    public void Given_request_by_alice_When_alice_of_the_same_issuer_approves_Then_rejected_as_self_approval() =>
        Spec().Given(ToProduction).When(ApproveAs(Issuer, Requester)).ThenRejected("self-approval");

    [Fact]
    public void Given_request_by_alice_When_alice_of_another_issuer_approves_Then_approval_granted_to_that_identity() =>
        Spec()
            .Given(ToProduction)
            .When(ApproveAs(OtherIssuer, Requester))
            .Then(Granted(Requester) with { ApproverIssuer = OtherIssuer });

    [Fact]
    public void Given_request_by_alice_When_alice_of_the_same_issuer_rejects_Then_rejected_as_self_rejection() =>
        Spec().Given(ToProduction).When(RejectAs(Issuer, Requester)).ThenRejected("self-rejection");

    [Fact]
    public void Given_request_recorded_without_issuer_When_the_same_subject_of_any_issuer_approves_Then_rejected_as_self_approval()
    {
        Spec().Given(RequestedWithoutIssuer).When(ApproveAs(Issuer, Requester)).ThenRejected("self-approval");
        Spec().Given(RequestedWithoutIssuer).When(ApproveAs(OtherIssuer, Requester)).ThenRejected("self-approval");
    }

    [Fact]
    public void Given_request_recorded_without_issuer_When_the_subject_in_another_case_approves_Then_rejected_as_self_approval() =>
        Spec().Given(RequestedWithoutIssuer).When(ApproveAs(Issuer, "ALICE")).ThenRejected("self-approval");

    [Fact]
    public void Given_request_by_alice_with_issuer_When_ALICE_of_the_same_issuer_approves_Then_another_person_as_subjects_are_case_sensitive() =>
        Spec().Given(ToProduction).When(ApproveAs(Issuer, "ALICE")).Then(Granted("ALICE"));

    [Fact]
    public void Given_bob_approved_When_bob_of_the_same_issuer_rejects_Then_rejected_as_already_decided() =>
        Spec().Given(ToProduction, Granted("bob")).When(RejectAs(Issuer, "bob")).ThenRejected("already-decided");

    [Fact]
    public void Given_bob_approved_When_bob_of_another_issuer_approves_Then_approval_granted() =>
        Spec()
            .Given(ToProduction, Granted("bob"))
            .When(ApproveAs(OtherIssuer, "bob") with { Now = Fixed.Later(2) })
            .Then(Granted("bob", 2) with { ApproverIssuer = OtherIssuer });

    [Fact]
    public void Given_bob_approved_before_issuers_were_recorded_When_Bob_of_any_issuer_approves_Then_rejected_as_already_decided() =>
        Spec()
            .Given(ToProduction, Granted("bob") with { ApproverIssuer = null })
            .When(ApproveAs(OtherIssuer, "Bob"))
            .ThenRejected("already-decided");

    [Fact]
    public void Given_request_by_alice_When_alice_of_another_issuer_withdraws_Then_rejected_as_not_requester() =>
        Spec()
            .Given(ToProduction)
            .When(new WithdrawPromotion(Requester, false, null, Fixed.Later(1)) { ActorIssuer = OtherIssuer })
            .ThenRejected("not-requester");

    [Fact]
    public void Given_request_by_alice_When_alice_of_the_same_issuer_withdraws_Then_withdrawn() =>
        Spec()
            .Given(ToProduction)
            .When(new WithdrawPromotion(Requester, false, "stale", Fixed.Later(1)) { ActorIssuer = Issuer })
            .Then(new PromotionWithdrawn(Pid, Requester, "stale", Fixed.Later(1)));

    [Fact]
    public void Given_a_request_When_requested_Then_the_requester_issuer_is_recorded_and_kept_in_state()
    {
        var state = Spec().Given(ToProduction).State;

        Assert.Equal(new ActorIdentity(Issuer, Requester), state.Requester());
    }

    [Theory]
    [InlineData("https://a", "alice", "https://a", "alice", true)]
    [InlineData("https://a", "alice", "https://b", "alice", false)]
    [InlineData("https://a", "alice", "https://a", "Alice", false)]
    [InlineData("https://a", "alice", "https://a", "bob", false)]
    [InlineData(null, "alice", "https://b", "alice", true)]
    [InlineData(null, "alice", "https://b", "ALICE", true)]
    [InlineData("https://a", "ALICE", null, "alice", true)]
    [InlineData(null, "alice", null, "bob", false)]
    public void Two_identities_are_one_person_when_issuer_and_subject_agree_or_the_issuer_is_unknown(
        string? issuerA, string subjectA, string? issuerB, string subjectB, bool samePerson)
    {
        var a = new ActorIdentity(issuerA, subjectA);
        var b = new ActorIdentity(issuerB, subjectB);

        Assert.Equal(samePerson, a.IsSamePersonAs(b));
        Assert.Equal(samePerson, b.IsSamePersonAs(a));
    }
}
