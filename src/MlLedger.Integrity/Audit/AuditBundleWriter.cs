using System.Buffers;
using System.Numerics;
using System.Text.Json;
using MlLedger.Integrity.Merkle;

namespace MlLedger.Integrity.Audit;

/// <summary>
/// Writes an audit bundle as JSON Lines (UTF-8): the header, one line per entry in log order, then
/// <c>{"end":true,"entries":n}</c>. Lines are buffered and written out in blocks of about 64 KiB, so a bundle of any
/// size streams through a small buffer. The stream is not disposed.
/// </summary>
public sealed class AuditBundleWriter : IDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private readonly Stream _stream;
    private readonly AuditBundleHeader _header;
    private readonly ArrayBufferWriter<byte> _buffer = new(2 * FlushThreshold);
    private readonly Utf8JsonWriter _json;
    private long _next;
    private bool _completed;

    /// <exception cref="ArgumentException">
    /// The header is inconsistent: From outside [0, TreeSize], a prefix that is not popcount(From) hashes of 32 bytes,
    /// an empty origin or checkpoint, or a consistency proof hash that is not 32 bytes.
    /// </exception>
    public AuditBundleWriter(Stream stream, AuditBundleHeader header)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        Validate(header);
        _stream = stream;
        _header = header;
        _next = header.From;
        _json = new Utf8JsonWriter(_buffer, LedgerJson.Writer);
        WriteHeader(header);
    }

    /// <summary>Entry lines written so far.</summary>
    public long EntriesWritten { get; private set; }

    /// <summary>
    /// Writes the next entry line. Log indexes must increase but may skip: an exporter writes what its storage holds,
    /// and a leaf whose entry is missing there is left out for the verifier to name, never papered over.
    /// </summary>
    /// <exception cref="ArgumentException">The index is not above the previous one, or lies at or beyond the tree size.</exception>
    /// <exception cref="InvalidOperationException">The bundle was already completed.</exception>
    public async ValueTask WriteEntryAsync(AuditEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (entry.LogIndex < _next || entry.LogIndex >= _header.TreeSize)
        {
            throw new ArgumentException(
                $"Entry log index {entry.LogIndex} is not in [{_next}, tree size {_header.TreeSize}).", nameof(entry));
        }

        WriteEntry(entry);
        _next = entry.LogIndex + 1;
        EntriesWritten++;
        if (_buffer.WrittenCount >= FlushThreshold)
        {
            await FlushAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the end line (with the number of entry lines written) and flushes everything to the stream.</summary>
    public async ValueTask CompleteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);

        _json.WriteStartObject();
        _json.WriteBoolean("end", true);
        _json.WriteNumber("entries", EntriesWritten);
        _json.WriteEndObject();
        EndLine();
        _completed = true;
        await FlushAsync(ct).ConfigureAwait(false);
    }

    public void Dispose() => _json.Dispose();

    private static void Validate(AuditBundleHeader header)
    {
        ArgumentException.ThrowIfNullOrEmpty(header.Origin, nameof(header));
        ArgumentException.ThrowIfNullOrEmpty(header.Checkpoint, nameof(header));
        ArgumentNullException.ThrowIfNull(header.Prefix, nameof(header));
        if (header.From < 0 || header.From > header.TreeSize)
        {
            throw new ArgumentException($"From {header.From} must lie in [0, tree size {header.TreeSize}].", nameof(header));
        }

        int expected = BitOperations.PopCount((ulong)header.From);
        if (header.Prefix.Count != expected || header.Prefix.Any(h => h is not { Length: MerkleHash.Size }))
        {
            throw new ArgumentException(
                $"The prefix of {header.From} leaves is {expected} hashes of {MerkleHash.Size} bytes; got {header.Prefix.Count}.", nameof(header));
        }

        if (header.Since is { } since)
        {
            ArgumentException.ThrowIfNullOrEmpty(since.Checkpoint, nameof(header));
            if (since.Consistency is null || since.Consistency.Any(h => h is not { Length: MerkleHash.Size }))
            {
                throw new ArgumentException($"Consistency proof hashes are {MerkleHash.Size} bytes each.", nameof(header));
            }
        }
    }

    private void WriteHeader(AuditBundleHeader header)
    {
        _json.WriteStartObject();
        _json.WriteString("mediaType", AuditBundleHeader.MediaType);
        _json.WriteString("origin", header.Origin);
        _json.WriteNumber("from", header.From);
        _json.WriteNumber("treeSize", header.TreeSize);
        WriteHashes("prefix", header.Prefix);
        _json.WriteString("checkpoint", header.Checkpoint);
        if (header.Since is { } since)
        {
            _json.WriteStartObject("since");
            _json.WriteString("checkpoint", since.Checkpoint);
            WriteHashes("consistency", since.Consistency);
            _json.WriteEndObject();
        }
        else
        {
            _json.WriteNull("since");
        }

        _json.WriteEndObject();
        EndLine();
    }

    private void WriteEntry(AuditEntry entry)
    {
        _json.WriteStartObject();
        _json.WriteNumber("logIndex", entry.LogIndex);
        _json.WriteNumber("seq", entry.Seq);
        _json.WriteString("streamId", entry.StreamId);
        _json.WriteNumber("streamVersion", entry.StreamVersion);
        _json.WriteString("eventType", entry.EventType);
        _json.WriteString("data", entry.EventDataJson);
        _json.WriteStartObject("envelope");
        _json.WriteBase64String("payload", entry.Envelope.Payload);
        _json.WriteString("payloadType", entry.Envelope.PayloadType);
        _json.WriteStartArray("signatures");
        foreach (var signature in entry.Envelope.Signatures)
        {
            _json.WriteStartObject();
            _json.WriteString("keyid", signature.KeyId);
            _json.WriteBase64String("sig", signature.Sig);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        _json.WriteEndObject();
        _json.WriteEndObject();
        EndLine();
    }

    private void WriteHashes(string name, IReadOnlyList<byte[]> hashes)
    {
        _json.WriteStartArray(name);
        foreach (var hash in hashes)
        {
            _json.WriteBase64StringValue(hash);
        }

        _json.WriteEndArray();
    }

    private void EndLine()
    {
        _json.Flush();
        _json.Reset(_buffer);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        await _stream.WriteAsync(_buffer.WrittenMemory, ct).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
        await _stream.FlushAsync(ct).ConfigureAwait(false);
    }
}
