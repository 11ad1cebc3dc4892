using System.Text.Json.Nodes;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Statements;

namespace MlLedger.Integrity.Tests.Entries;

/// <summary>Seals a stream entry by entry, then stores each one the way the database reads it back.</summary>
internal sealed class StreamBuilder(string streamId)
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Digest = "8098f624285f1bba5460ffb2580a31a2f9beb87a83c73130640a20495a4153dd";

    private readonly List<SealedEntry> _sealed = [];
    private readonly List<StoredEntry> _stored = [];

    public string StreamId { get; } = streamId;

    public IReadOnlyList<SealedEntry> Sealed => _sealed;

    public List<StoredEntry> Stored => [.. _stored];

    public static JsonObject EventData(string streamId, long version) => new()
    {
        ["dataset"] = streamId,
        ["check"] = "pii-scan",
        ["result"] = "passed",
        ["rowCount"] = 1000 + version,
        ["tags"] = new JsonArray("train", "v" + version),
    };

    public static string EventTypeOf(long version) => version == 1 ? "DatasetRegistered" : "DatasetCheckRecorded";

    /// <summary>Seals the next version at T0 + version hours; <paramref name="tweak"/> may alter the signed metadata.</summary>
    public StreamBuilder Append(EntrySealer sealer, DateTimeOffset? occurredAt = null, Func<EntryMetadata, EntryMetadata>? tweak = null)
    {
        long version = _stored.Count + 1;
        string eventType = EventTypeOf(version);
        var data = EventData(StreamId, version);
        var metadata = new EntryMetadata(StreamId, version, _sealed.LastOrDefault()?.Hash, "pipeline:ci", occurredAt ?? T0.AddHours(version));
        var entry = new UnsignedEntry(eventType, data, new StatementSubject($"datasets/{StreamId}", Digest), tweak?.Invoke(metadata) ?? metadata);

        var sealedEntry = sealer.Seal(entry);

        _sealed.Add(sealedEntry);
        _stored.Add(new StoredEntry(
            Seq: 100 + version,
            StreamVersion: version,
            EventType: eventType,
            EventDataJson: data.ToJsonString(),
            Envelope: DsseEnvelope.Parse(sealedEntry.Envelope.ToJson())));
        return this;
    }

    public StreamBuilder Append(EntrySealer sealer, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Append(sealer);
        }

        return this;
    }
}
