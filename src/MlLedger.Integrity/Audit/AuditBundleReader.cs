using System.Runtime.CompilerServices;

namespace MlLedger.Integrity.Audit;

/// <summary>
/// Reads an audit bundle line by line: <see cref="Header"/> first, then the entries as they come, never holding more
/// than one line. The end line must follow the last entry and state how many entries there were; a bundle that
/// stops before it is reported as truncated. The stream is not disposed.
/// </summary>
public sealed class AuditBundleReader
{
    /// <summary>
    /// Longest line accepted by default (64 MiB). The ledger refuses to append an entry whose line could be longer, so
    /// every bundle it exports reads within this limit; a verifier still needs a limit against hostile files.
    /// </summary>
    public const int DefaultMaxLineBytes = 64 * 1024 * 1024;

    private readonly JsonLines _lines;
    private bool _started;

    private AuditBundleReader(JsonLines lines, AuditBundleHeader header)
    {
        _lines = lines;
        Header = header;
    }

    public AuditBundleHeader Header { get; }

    /// <summary>Entry lines read so far.</summary>
    public long EntriesRead { get; private set; }

    /// <summary>True once the end line has been read and checked.</summary>
    public bool Completed { get; private set; }

    /// <exception cref="AuditBundleFormatException">The first line is not an audit bundle header.</exception>
    public static AuditBundleReader Open(Stream stream, int maxLineBytes = DefaultMaxLineBytes)
    {
        var lines = Lines(stream, maxLineBytes);
        return new AuditBundleReader(lines, HeaderOf(lines.ReadLine(), lines));
    }

    /// <inheritdoc cref="Open"/>
    public static async Task<AuditBundleReader> OpenAsync(Stream stream, int maxLineBytes = DefaultMaxLineBytes, CancellationToken ct = default)
    {
        var lines = Lines(stream, maxLineBytes);
        return new AuditBundleReader(lines, HeaderOf(await lines.ReadLineAsync(ct).ConfigureAwait(false), lines));
    }

    /// <summary>The entries in file order. May be enumerated once.</summary>
    /// <exception cref="AuditBundleFormatException">A malformed line, a missing or wrong end line, or content after it.</exception>
    public IEnumerable<AuditEntry> ReadEntries()
    {
        Start();
        while (true)
        {
            var entry = Next(_lines.ReadLine());
            if (entry is null)
            {
                Finish(_lines.ReadLine());
                yield break;
            }

            yield return entry;
        }
    }

    /// <inheritdoc cref="ReadEntries"/>
    public async IAsyncEnumerable<AuditEntry> ReadEntriesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        Start();
        while (true)
        {
            var entry = Next(await _lines.ReadLineAsync(ct).ConfigureAwait(false));
            if (entry is null)
            {
                Finish(await _lines.ReadLineAsync(ct).ConfigureAwait(false));
                yield break;
            }

            yield return entry;
        }
    }

    private static JsonLines Lines(Stream stream, int maxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1024);
        return new JsonLines(stream, maxLineBytes);
    }

    private static AuditBundleHeader HeaderOf(ReadOnlyMemory<byte>? line, JsonLines lines)
    {
        if (line is not { } header)
        {
            throw new AuditBundleFormatException(1, "the bundle is empty: no header line.", isTruncated: true);
        }

        return AuditHeaderParser.ParseHeader(header.Span, lines.LineNumber);
    }

    private void Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("The entries of an audit bundle can be read only once.");
        }

        _started = true;
    }

    /// <summary>The entry of the line, or null for the (checked) end line.</summary>
    private AuditEntry? Next(ReadOnlyMemory<byte>? line)
    {
        if (line is not { } bytes)
        {
            throw new AuditBundleFormatException(
                _lines.LineNumber + 1,
                $"the bundle ends after {EntriesRead} entries without its end line: it is truncated.",
                isTruncated: true);
        }

        try
        {
            var entry = AuditLineParser.ParseEntryOrEnd(bytes.Span, _lines.LineNumber, out long endCount);
            if (entry is null)
            {
                if (endCount != EntriesRead)
                {
                    throw new AuditBundleFormatException(
                        _lines.LineNumber, $"the end line counts {endCount} entries but the bundle holds {EntriesRead}.");
                }

                return null;
            }

            EntriesRead++;
            return entry;
        }
        catch (AuditBundleFormatException e) when (!_lines.LastLineTerminated && !e.IsTruncated)
        {
            throw new AuditBundleFormatException(
                _lines.LineNumber, $"the last line is cut short: {e.Message}", isTruncated: true, e);
        }
    }

    private void Finish(ReadOnlyMemory<byte>? after)
    {
        if (after is not null)
        {
            throw new AuditBundleFormatException(_lines.LineNumber, "there is content after the end line.");
        }

        Completed = true;
    }
}
