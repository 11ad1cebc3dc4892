namespace MlLedger.Domain.Policies;

/// <summary>One file of a published policy set, with its exact text.</summary>
public sealed record PolicyFile(string Name, string Sha256, string Content);

/// <summary>
/// The loaded policy set differs from the last one published: its digest and every file, verbatim, so that
/// past decisions can be replayed after the files changed.
/// </summary>
public sealed record PolicySetPublished(
    string Digest,
    IReadOnlyList<PolicyFile> Files,
    string PublishedBy,
    DateTimeOffset PublishedAt);

/// <summary>A pipeline's dry run: the decision log of "may this model version go to this stage or environment".</summary>
public sealed record PolicyCheckPerformed(
    string CheckId,
    string ModelVersionId,
    string TargetStage,
    string? Environment,
    string PolicySetDigest,
    bool Allowed,
    PolicyFacts Facts,
    PolicyDecision Decision,
    string RequestedBy,
    DateTimeOffset PerformedAt);
