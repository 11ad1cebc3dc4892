namespace MlLedger.Domain.Reports;

/// <summary>
/// The ledger issued a report: the exact PDF (<paramref name="Sha256"/>) of <paramref name="Kind"/> about
/// <paramref name="Subject"/>, as of the signed checkpoint of <paramref name="TreeSize"/> leaves with root
/// <paramref name="RootHash"/> (hex). Regenerating it as of the same checkpoint gives the same bytes.
/// </summary>
public sealed record ReportIssued(
    string ReportId,
    string Kind,
    string Subject,
    long TreeSize,
    string RootHash,
    string Sha256,
    string RequestedBy,
    DateTimeOffset IssuedAt);

/// <summary>State of a report stream (<c>reports/{id}</c>): the one report it issued.</summary>
public sealed record IssuedReport(string Id, string Kind, string Subject, string Sha256)
{
    public static IssuedReport Initial { get; } = new("", "", "", "");

    public static IssuedReport Evolve(IssuedReport state, object @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            ReportIssued e => new IssuedReport(e.ReportId, e.Kind, e.Subject, e.Sha256),
            _ => state,
        };
    }
}
