namespace MlLedger.Integrity.Audit;

/// <summary>
/// Splits a stream into '\n'-terminated lines through one growing buffer, refusing a line longer than the limit.
/// A line is valid until the next read.
/// </summary>
internal sealed class JsonLines(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = new byte[Math.Min(64 * 1024, maxLineBytes + 1)];
    private int _start;
    private int _end;
    private int _scanned;
    private bool _eof;

    /// <summary>The number of the line last returned (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Whether the line last returned ended with '\n' (the last line of a cut file does not).</summary>
    public bool LastLineTerminated { get; private set; }

    /// <summary>The next line without its '\n', or null at the end of the stream.</summary>
    public ReadOnlyMemory<byte>? ReadLine()
    {
        ReadOnlyMemory<byte>? line;
        while (!TryNext(out line))
        {
            Filled(stream.Read(Space()));
        }

        return line;
    }

    /// <inheritdoc cref="ReadLine"/>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken ct)
    {
        ReadOnlyMemory<byte>? line;
        while (!TryNext(out line))
        {
            Filled(await stream.ReadAsync(SpaceMemory(), ct).ConfigureAwait(false));
        }

        return line;
    }

    /// <summary>True with the next line (or null at the end); false when more bytes must be read first.</summary>
    private bool TryNext(out ReadOnlyMemory<byte>? line)
    {
        int found = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
        if (found >= 0)
        {
            int newline = _scanned + found;
            line = _buffer.AsMemory(_start, newline - _start);
            _start = _scanned = newline + 1;
            LineNumber++;
            LastLineTerminated = true;
            return true;
        }

        _scanned = _end;
        if (_end - _start > maxLineBytes)
        {
            throw new AuditBundleFormatException(LineNumber + 1, $"the line is longer than {maxLineBytes} bytes.");
        }

        if (_eof)
        {
            if (_start == _end)
            {
                line = null;
                return true;
            }

            line = _buffer.AsMemory(_start, _end - _start);
            _start = _scanned = _end;
            LineNumber++;
            LastLineTerminated = false;
            return true;
        }

        line = null;
        return false;
    }

    private Span<byte> Space() => SpaceMemory().Span;

    private Memory<byte> SpaceMemory()
    {
        if (_start > 0)
        {
            // the line returned last is no longer needed: move the unread bytes to the front
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, maxLineBytes + 1L));
        }

        return _buffer.AsMemory(_end);
    }

    private void Filled(int read)
    {
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}
