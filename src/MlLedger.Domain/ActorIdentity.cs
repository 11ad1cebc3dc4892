namespace MlLedger.Domain;

/// <summary>
/// Who acted, as the ledger compares people for separation of duties: the issuer of the caller's token and its
/// subject, already canonical (the host refuses a non-canonical subject and lowercases it for a case-insensitive
/// issuer). Two identities are one person when both parts are equal, ordinal. An identity recorded before issuers
/// were recorded (<see cref="Issuer"/> null) cannot be told apart from the same subject of any issuer, nor from one
/// that differs only in case (earlier versions compared subjects as the token wrote them): it counts as the same
/// person as each of those, so that no one decides twice for want of an issuer.
/// </summary>
public sealed record ActorIdentity(string? Issuer, string Subject)
{
    public bool IsSamePersonAs(ActorIdentity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Issuer is null || other.Issuer is null
            ? string.Equals(Subject, other.Subject, StringComparison.OrdinalIgnoreCase)
            : string.Equals(Issuer, other.Issuer, StringComparison.Ordinal) && string.Equals(Subject, other.Subject, StringComparison.Ordinal);
    }

    /// <summary>The subject, as reports and refusals print the actor.</summary>
    public override string ToString() => Subject;
}
