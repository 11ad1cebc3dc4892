using System.Text;
using System.Text.Json.Nodes;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;
using MlLedger.Integrity.Tests.Entries;

namespace MlLedger.Integrity.Tests.Audit;

/// <summary>
/// A ledger log in memory: entries sealed round-robin over a few streams with a real key, every complete subtree
/// hash kept, so that checkpoints, prefixes, consistency proofs and whole audit bundles can be made at any size.
/// </summary>
internal sealed class AuditLog
{
    public const string Origin = "mlledger.test/log";

    private readonly List<AuditEntry> _entries = [];
    private readonly Dictionary<string, (long Version, string Hash)> _tails = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeId, byte[]> _nodes = [];
    private readonly CompactRange _range = CompactRange.Empty();

    public AuditLog(LedgerSigningKey key, int entries, int streams = 3, string streamPrefix = "ds")
    {
        Key = key;
        Ring = new KeyRing(key, StreamBuilder.T0, []);
        Sealer = new EntrySealer(Ring);
        for (int i = 0; i < entries; i++)
        {
            Append($"{streamPrefix}-{i % streams}");
        }
    }

    public LedgerSigningKey Key { get; }

    public KeyRing Ring { get; }

    public EntrySealer Sealer { get; }

    public TrustedKeys Trusted => TrustedKeys.From(Ring);

    public IReadOnlyList<AuditEntry> Entries => _entries;

    public long Size => _entries.Count;

    /// <summary>
    /// Seals the next entry of <paramref name="streamId"/> at T0 + (log size) minutes and appends it to the tree; with
    /// <paramref name="actorIssuer"/> its metadata records the actor's token issuer, without it the entry has the
    /// layout of entries sealed before issuers were recorded.
    /// </summary>
    public AuditLog Append(string streamId, string? actorIssuer = null)
    {
        var entry = Seal(Sealer, streamId, _entries.Count, actorIssuer);
        _tails[streamId] = (entry.StreamVersion, LeafBody.Hash(LeafBody.Build(entry.Envelope, Key.PublicKey)));
        _entries.Add(entry);
        _range.Append(MerkleHash.Leaf(LeafBody.Build(entry.Envelope, Key.PublicKey)), (id, hash) => _nodes[id] = hash);
        return this;
    }

    /// <summary>An entry sealed as the next one of <paramref name="streamId"/>, with the given log index, but not appended.</summary>
    public AuditEntry Seal(EntrySealer sealer, string streamId, long logIndex, string? actorIssuer = null)
    {
        var (version, previous) = _tails.TryGetValue(streamId, out var tail) ? (tail.Version + 1, tail.Hash) : (1L, null);
        string eventType = StreamBuilder.EventTypeOf(version);
        JsonObject data = StreamBuilder.EventData(streamId, version);
        var metadata = new EntryMetadata(streamId, version, previous, "pipeline:ci", StreamBuilder.T0.AddMinutes(logIndex)) { ActorIssuer = actorIssuer };
        var sealedEntry = sealer.Seal(new UnsignedEntry(eventType, data, new StatementSubject($"datasets/{streamId}", StreamBuilder.Digest), metadata));
        return new AuditEntry(logIndex, 1000 + logIndex, streamId, version, eventType, data.ToJsonString(), sealedEntry.Envelope);
    }

    public byte[] Root(long size) => MerkleProofs.Root(size, _nodes);

    public string CheckpointAt(long size, LedgerSigningKey? signer = null) =>
        CheckpointNotes.Sign(new Checkpoint(Origin, size, Root(size), []), signer ?? Key);

    public IReadOnlyList<byte[]> Prefix(long from) => [.. MerkleProofs.RootNodes(from).Select(n => _nodes[n])];

    public AuditSince Since(long size1, long size2) =>
        new(CheckpointAt(size1), size1 == 0 ? [] : MerkleProofs.Consistency(size1, size2, _nodes));

    public AuditBundleHeader Header(long from = 0, long? size = null, long? since = null)
    {
        long n = size ?? Size;
        return new AuditBundleHeader(Origin, from, n, Prefix(from), CheckpointAt(n), since is { } m ? Since(m, n) : null);
    }

    public byte[] Bundle(long from = 0, long? size = null, long? since = null) => Write(Header(from, size, since), _entries);

    /// <summary>Writes the entries of the header's range (taken by position from <paramref name="entries"/>).</summary>
    public static byte[] Write(AuditBundleHeader header, IReadOnlyList<AuditEntry> entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new AuditBundleWriter(stream, header))
        {
            for (long i = header.From; i < header.TreeSize; i++)
            {
                writer.WriteEntryAsync(entries[(int)i]).AsTask().GetAwaiter().GetResult();
            }

            writer.CompleteAsync().AsTask().GetAwaiter().GetResult();
        }

        return stream.ToArray();
    }

    public static List<string> Lines(byte[] bundle) => [.. Encoding.UTF8.GetString(bundle).TrimEnd('\n').Split('\n')];

    public static byte[] Join(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));

    /// <summary>Line <paramref name="index"/> (0 = header) with <paramref name="edit"/> applied to its JSON.</summary>
    public static void Edit(List<string> lines, int index, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(lines[index])!.AsObject();
        edit(json);
        lines[index] = json.ToJsonString();
    }

    public static string EntryLine(AuditEntry entry)
    {
        var header = new AuditBundleHeader(Origin, entry.LogIndex, entry.LogIndex + 1, [.. Enumerable.Repeat(new byte[32], System.Numerics.BitOperations.PopCount((ulong)entry.LogIndex))], "x", null);
        using var stream = new MemoryStream();
        using (var writer = new AuditBundleWriter(stream, header))
        {
            writer.WriteEntryAsync(entry).AsTask().GetAwaiter().GetResult();
            writer.CompleteAsync().AsTask().GetAwaiter().GetResult();
        }

        return Lines(stream.ToArray())[1];
    }

    public static Task<AuditVerification> Verify(byte[] bundle, TrustedKeys trusted, string? older = null, AuditVerifierOptions? options = null) =>
        new AuditBundleVerifier(trusted, options).VerifyAsync(new MemoryStream(bundle), older);
}
