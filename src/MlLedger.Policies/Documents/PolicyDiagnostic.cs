namespace MlLedger.Policies.Documents;

/// <summary>One problem in a policy file, at a 1-based line and column.</summary>
public sealed record PolicyDiagnostic(string File, long Line, long Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A policy set that cannot be loaded: every problem found, each with file, line and column.</summary>
public sealed class PolicyLoadException : Exception
{
    public PolicyLoadException(IReadOnlyList<PolicyDiagnostic> diagnostics)
        : base(Describe(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public PolicyLoadException()
        : this([])
    {
    }

    public PolicyLoadException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public PolicyLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; }

    private static string Describe(IReadOnlyList<PolicyDiagnostic> diagnostics) =>
        diagnostics.Count == 0
            ? "The policy set is invalid."
            : $"The policy set is invalid ({diagnostics.Count} problem{(diagnostics.Count == 1 ? "" : "s")}):"
              + string.Concat(diagnostics.Select(d => $"{Environment.NewLine}  {d}"));
}
