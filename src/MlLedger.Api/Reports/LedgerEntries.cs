using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MlLedger.Domain.Deployments;
using MlLedger.Domain.Policies;
using MlLedger.Domain.Promotions;
using MlLedger.Api.Keys;
using MlLedger.Api.Ledger;
using MlLedger.Api.Log;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Statements;
using MlLedger.Reports.Model;
using Npgsql;

namespace MlLedger.Api.Reports;

/// <summary>
/// One sequenced entry as a report reads it: the event its envelope states (not the stored JSON row), and the leaf the
/// log holds for it, which commits to that envelope.
/// </summary>
internal sealed record LedgerEntry(
    long Seq, long LeafIndex, string LeafHash, string Stream, long Version, string EventType, object Event, string Actor, DateTimeOffset OccurredAt)
{
    public Citation Cite() => new(Seq, LeafIndex, LeafHash, Stream, EventType);
}

/// <summary>An entry's envelope does not match its leaf or its row: the report is not issued (run the log self-check).</summary>
internal sealed class ReportIntegrityException(string message) : Exception(message);

/// <summary>A report would read more than its limit of entries (<see cref="Hosting.ReadLimits.ReportEntries"/>): it is not issued (422).</summary>
internal sealed class ReportTooLargeException(int limit) : Exception($"The report would read more than {limit:N0} entries.")
{
    public int Limit { get; } = limit;
}

/// <summary>
/// Reads the entries a report rests on, up to a cut (the sequence number of the last leaf under its checkpoint). Each
/// entry's event is taken from its signed envelope, and the leaf rebuilt from that envelope must hash to the stored
/// leaf hash, so what a report prints is what the checkpoint commits to.
/// </summary>
/// <param name="maxEntries">The most entries one report reads (<see cref="Hosting.ReadLimits.ReportEntries"/>).</param>
internal sealed class LedgerEntries(LedgerDatabase database, LedgerKeys keys, string schema, int maxEntries)
{
    /// <summary>
    /// Events as reports read them: without the facts a decision was taken on (every evaluation and check the model version
    /// had; kilobytes to hundreds of kilobytes each), which no report prints.
    /// </summary>
    private static readonly JsonSerializerOptions Json = Without("facts");

    /// <summary>
    /// The same, and without the decisions themselves, for reports that print promotions and deployments as rows and
    /// not their decisions.
    /// </summary>
    private static readonly JsonSerializerOptions JsonWithoutDecisions = Without("facts", "decision");
    private readonly string _schema = LogSchema.Quote(schema);

    private string Select =>
        $"SELECT e.seq_id, l.idx, n.hash, e.stream_id, e.version, e.type, {EntryHeaders.Sql("e.headers", EntryHeaders.Envelope)} FROM {database.EventsTable} e " +
        $"JOIN {_schema}.{LogSchema.Leaves} l ON l.seq = e.seq_id " +
        $"JOIN {_schema}.{LogSchema.Nodes} n ON n.level = 0 AND n.idx = l.idx ";

    /// <summary>Every entry of <paramref name="streams"/> under the report's checkpoint, in sequence order.</summary>
    /// <param name="decisions">False: policy decisions come without their decision (null), as without their facts.</param>
    /// <exception cref="ReportTooLargeException">The streams hold more than <c>maxEntries</c> entries under the checkpoint.</exception>
    public async Task<IReadOnlyList<LedgerEntry>> OfStreams(
        IReadOnlyCollection<string> streams, ReportBasis basis, CancellationToken ct, bool decisions = true)
    {
        await using var command = database.Source.CreateCommand(Select + "WHERE e.stream_id = ANY($1) AND e.seq_id <= $2 AND l.idx < $3 ORDER BY e.seq_id LIMIT $4");
        command.Parameters.AddWithValue(streams.Distinct(StringComparer.Ordinal).ToArray());
        command.Parameters.AddWithValue(basis.Cut);
        command.Parameters.AddWithValue(basis.TreeSize);
        command.Parameters.AddWithValue(maxEntries + 1);
        var read = await Read(command, decisions ? Json : JsonWithoutDecisions, ct);
        return read.Count > maxEntries ? throw new ReportTooLargeException(maxEntries) : read;
    }

    /// <summary>
    /// The streams with an entry of <paramref name="types"/> under the report's checkpoint that PostgreSQL stored between
    /// <paramref name="from"/> and <paramref name="to"/>, widened by <paramref name="margin"/> on both sides. The stored time
    /// is not signed: it only narrows what is read, and the signed times decide.
    /// </summary>
    public async Task<IReadOnlyList<string>> StreamsStoredBetween(
        IReadOnlyCollection<string> types, ReportBasis basis, DateTimeOffset from, DateTimeOffset to, TimeSpan margin, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(
            // the margin is added in SQL: timestamptz reaches far past DateTimeOffset, so a period at its ends still has one
            $"SELECT DISTINCT stream_id FROM {database.EventsTable} WHERE type = ANY($1) AND seq_id <= $2 AND timestamp >= $3 - $5 AND timestamp < $4 + $5");
        command.Parameters.AddWithValue(types.ToArray());
        command.Parameters.AddWithValue(basis.Cut);
        command.Parameters.AddWithValue(from.ToUniversalTime());
        command.Parameters.AddWithValue(to.ToUniversalTime());
        command.Parameters.AddWithValue(margin);
        var streams = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            streams.Add(reader.GetString(0));
        }

        return streams;
    }

    /// <summary>The entry at sequence number <paramref name="seq"/> (it must be sequenced).</summary>
    public async Task<LedgerEntry> At(long seq, CancellationToken ct)
    {
        await using var command = database.Source.CreateCommand(Select + "WHERE e.seq_id = $1");
        command.Parameters.AddWithValue(seq);
        var found = await Read(command, Json, ct);
        return found.Count == 1 ? found[0] : throw new ReportIntegrityException($"Entry {seq} is under the checkpoint but cannot be read.");
    }

    private const int Batch = 1_000;

    /// <summary>
    /// Reads the rows and decodes them while reading continues: each batch of rows is decoded on the thread pool as soon
    /// as it is read (decoding is hashing and JSON), and the batches are put back together in order. At most a batch per
    /// core waits to be decoded: reading waits for decoding rather than holding every signed envelope at once.
    /// </summary>
    private async Task<IReadOnlyList<LedgerEntry>> Read(NpgsqlCommand command, JsonSerializerOptions json, CancellationToken ct)
    {
        var trusted = keys.Current.Trusted;
        var decoded = new List<Task<LedgerEntry[]>>();
        var rows = new List<(long Seq, long Index, byte[] Hash, string Stream, long Version, string Type, string? Envelope)>(Batch);
        async Task Decode()
        {
            var batch = rows;
            decoded.Add(Task.Run(() => batch.Select(r => LedgerEntries.Decode(r, trusted, json)).ToArray(), ct));
            rows = new(Batch);
            var waiting = decoded.Count(t => !t.IsCompleted);
            if (waiting > Environment.ProcessorCount)
            {
                await decoded.First(t => !t.IsCompleted);
            }
        }

        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2), reader.GetString(3), reader.GetInt64(4),
                    reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
                if (rows.Count == Batch)
                {
                    await Decode();
                }
            }
        }

        if (rows.Count > 0)
        {
            await Decode();
        }

        var batches = await Task.WhenAll(decoded);
        var entries = new List<LedgerEntry>(batches.Sum(b => b.Length));
        foreach (var batch in batches)
        {
            entries.AddRange(batch);
        }

        return entries;
    }

    private static LedgerEntry Decode(
        (long Seq, long Index, byte[] Hash, string Stream, long Version, string Type, string? Envelope) row, Integrity.Signing.TrustedKeys trusted,
        JsonSerializerOptions json)
    {
        DsseEnvelope? envelope;
        try
        {
            envelope = row.Envelope is null ? null : DsseEnvelope.Parse(row.Envelope);
        }
        catch (FormatException e)
        {
            throw new ReportIntegrityException($"Entry {row.Seq}'s envelope cannot be read: {e.Message}");
        }

        if (envelope is not { Signatures.Count: 1 } || trusted.Find(envelope.Signatures[0].KeyId) is not { } signer)
        {
            throw new ReportIntegrityException($"Entry {row.Seq} has no envelope signed by a ledger key.");
        }

        if (!MerkleHash.Leaf(LeafBody.Build(envelope, signer.Key)).AsSpan().SequenceEqual(row.Hash))
        {
            throw new ReportIntegrityException($"Entry {row.Seq}'s envelope does not match its leaf {row.Index} in the log.");
        }

        object data;
        SignedEventInfo signed;
        try
        {
            (data, signed) = SignedEvent.ReadTyped(envelope, name => EventCatalog.Types.GetValueOrDefault(name), json);
        }
        catch (StatementFormatException e)
        {
            throw new ReportIntegrityException($"Entry {row.Seq}'s statement cannot be read: {e.Message}");
        }

        if (signed.EventType != row.Type || signed.StreamId != row.Stream || signed.StreamVersion != row.Version)
        {
            throw new ReportIntegrityException($"Entry {row.Seq}'s envelope names another event than its row.");
        }

        return new LedgerEntry(row.Seq, row.Index, Convert.ToHexStringLower(row.Hash), row.Stream, row.Version, signed.EventType, data,
            signed.Actor, signed.OccurredAt);
    }

    /// <summary>
    /// Event options that skip the named properties of the decision events (promotion and deployment decisions, pipeline
    /// checks) without building them: each is read past and left null.
    /// </summary>
    private static JsonSerializerOptions Without(params string[] skipped)
    {
        Type[] decisionEvents = [typeof(PolicyEvaluated), typeof(DeploymentRecorded), typeof(DeploymentBlocked), typeof(PolicyCheckPerformed)];
        var options = LedgerJson.Create();
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (!decisionEvents.Contains(info.Type))
                    {
                        return;
                    }

                    foreach (var property in info.Properties.Where(p => skipped.Contains(p.Name, StringComparer.Ordinal)))
                    {
                        property.CustomConverter = (JsonConverter)Activator.CreateInstance(typeof(Skipped<>).MakeGenericType(property.PropertyType))!;
                    }
                },
            },
        };
        return options;
    }

    /// <summary>Reads past a value and answers null; events read with it are never written back.</summary>
    private sealed class Skipped<T> : JsonConverter<T> where T : class
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return null;
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            throw new NotSupportedException("events read for a report are not written back");
    }
}
