using MlLedger.Api.Hosting;

namespace MlLedger.Api.Storage;

/// <summary>
/// How much one page of stored rows may hold, so that a read over the whole ledger keeps one page in memory however
/// large its entries are: at most <see cref="ReadLimits.PageRows"/> rows and about <see cref="ReadLimits.PageChars"/> characters of stored
/// text. A page stops at the row that reaches the characters (that row is kept, so any row can be read, and the next
/// page starts after it). A page cut short that way makes the next one ask for only as many rows as it held, so that
/// rows asked for but left unread (which PostgreSQL still sends, and the driver skips) stay few; a page that was not
/// cut doubles the next one, up to <see cref="ReadLimits.PageRows"/>.
/// </summary>
public sealed class PageBudget(ReadLimits limits)
{
    /// <summary>How many rows the next page asks for.</summary>
    public int NextRows { get; private set; } = limits.PageRows;

    /// <summary>True once a page holding <paramref name="chars"/> characters must stop.</summary>
    public bool IsFull(long chars) => chars >= limits.PageChars;

    /// <summary>Records the page just read: <paramref name="rows"/> rows, cut short by its characters or not.</summary>
    public void Read(int rows, bool cut) => NextRows = cut ? Math.Max(1, rows) : (int)Math.Min(limits.PageRows, 2L * NextRows);
}

