namespace MlLedger.Domain.Policies;

/// <summary>State of one pipeline check stream ("policy-checks/{id}"): the check, once performed.</summary>
public sealed record PolicyCheck(string Id, PolicyCheckPerformed? Performed)
{
    public static PolicyCheck Initial { get; } = new("", null);

    public static PolicyCheck Evolve(PolicyCheck state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            PolicyCheckPerformed e => state with { Id = StreamKeys.PolicyCheck(e.CheckId), Performed = e },
            _ => state,
        };
    }
}

/// <summary>State of the policy set stream ("policy-sets"): every digest published, in order.</summary>
public sealed record PolicySetHistory(string Id, IReadOnlyList<string> Digests)
{
    public static PolicySetHistory Initial { get; } = new(StreamKeys.PolicySets, []);

    /// <summary>The digest published last, or null before the first publication.</summary>
    public string? Current => Digests.Count == 0 ? null : Digests[^1];

    public static PolicySetHistory Evolve(PolicySetHistory state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            PolicySetPublished e => state with { Digests = [.. state.Digests, e.Digest] },
            _ => state,
        };
    }
}
