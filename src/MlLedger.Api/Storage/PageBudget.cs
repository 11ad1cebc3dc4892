namespace MlLedger.Api.Storage;

/// <summary>
/// How much one page of stored rows may hold, so that a read over the whole ledger keeps one page in memory however
/// large its entries are: at most <see cref="MaxRows"/> rows and about <see cref="MaxChars"/> characters of stored
/// text. A page stops at the row that reaches the characters (that row is kept, so any row can be read, and the next
/// page starts after it). A page cut short that way makes the next one ask for only as many rows as it held, so that
/// rows asked for but left unread (which PostgreSQL still sends, and the driver skips) stay few; a page that was not
/// cut doubles the next one, up to <see cref="MaxRows"/>.
/// </summary>
public sealed class PageBudget(ReadPages size)
{
    public int MaxRows => size.MaxRows;

    public long MaxChars => size.MaxChars;

    /// <summary>How many rows the next page asks for.</summary>
    public int NextRows { get; private set; } = size.MaxRows;

    /// <summary>True once a page holding <paramref name="chars"/> characters must stop.</summary>
    public bool IsFull(long chars) => chars >= MaxChars;

    /// <summary>Records the page just read: <paramref name="rows"/> rows, cut short by its characters or not.</summary>
    public void Read(int rows, bool cut) => NextRows = cut ? Math.Max(1, rows) : (int)Math.Min(MaxRows, 2L * NextRows);
}

/// <summary>The size of a page of a read over the ledger (<see cref="PageBudget"/>).</summary>
public sealed record ReadPages
{
    public static readonly ReadPages Default = new();

    public int MaxRows { get; init; } = 1_000;

    /// <summary>8 Mi characters: about 16 MiB as .NET strings, and a few times that once the rows are parsed.</summary>
    public long MaxChars { get; init; } = 8L * 1024 * 1024;
}
