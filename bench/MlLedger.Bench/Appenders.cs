using System.Diagnostics;
using JasperFx;
using JasperFx.Events;
using Marten;
using MlLedger.Api.Datasets;
using MlLedger.Api.Keys;
using MlLedger.Api.Ledger;
using MlLedger.Api.Storage;
using MlLedger.Domain;
using MlLedger.Domain.Datasets;
using Weasel.Core;

namespace MlLedger.Bench;

/// <summary>One way of committing a transaction of dataset events: the ledger's sealing path, or Marten without it.</summary>
internal interface IAppender : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Commits <paramref name="batch"/> (events grouped by dataset) in one transaction; answers the highest sequence number.</summary>
    Task<long> AppendAsync(IReadOnlyList<(string DatasetId, IReadOnlyList<object> Events)> batch, CancellationToken ct);
}

/// <summary>
/// The ledger's append path, as a write endpoint runs it without HTTP and without the domain decision: a key lease,
/// one transaction, the first stream fetched for writing with its stream lock and the others without, every event sealed into a DSSE envelope chained to the stream's
/// previous entry (whose hash is rebuilt from its stored envelope), the inline projections and the commit. The
/// host's sequencer then appends each entry to the Merkle log.
/// </summary>
internal sealed class LedgerAppender(IDocumentStore store, LedgerKeys keys) : IAppender
{
    private static readonly Actor Writer = new("bench-appender", ["pipeline"]) { Issuer = "https://issuer.bench.mlledger" };

    public string Name => "ledger (signed, chained, sequenced)";

    private long _fetchTicks;
    private long _sealTicks;
    private long _commitTicks;
    private long _transactions;

    /// <summary>Where the time of the transactions so far went, as means per transaction, and resets the counters.</summary>
    public string TakeBreakdown()
    {
        var n = Math.Max(1, Interlocked.Exchange(ref _transactions, 0));
        string Mean(ref long ticks) => $"{Report.F(Report.Milliseconds(Interlocked.Exchange(ref ticks, 0) / (double)n))} ms";
        return $"begin + fetch for writing {Mean(ref _fetchTicks)}, seal + chain {Mean(ref _sealTicks)}, projections + commit {Mean(ref _commitTicks)}";
    }

    public async Task<long> AppendAsync(IReadOnlyList<(string DatasetId, IReadOnlyList<object> Events)> batch, CancellationToken ct)
    {
        var (fetch, seal) = (0L, 0L);
        var started = Stopwatch.GetTimestamp();
        using var lease = await keys.EnterWriteAsync(ct);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var context = new WriteContext(session, lease.Keys.Sealer, lease.Keys.Trusted, Writer, DateTimeOffset.UtcNow, null, ct);
        foreach (var (id, events) in batch)
        {
            // the first stream is the request's own, as for a write endpoint: fetched with its stream lock
            var stream = id == batch[0].DatasetId
                ? await context.FetchPrimary<Dataset>(StreamKeys.Dataset(id))
                : await context.Fetch<Dataset>(StreamKeys.Dataset(id));
            var fetched = Stopwatch.GetTimestamp();
            fetch += fetched - started;
            await context.Append(stream, events, DatasetEndpoints.Subject(id, AppendEvents.Sha256Of(id)));
            started = Stopwatch.GetTimestamp();
            seal += started - fetched;
        }

        await context.CommitAsync(new WriteOutcome.Done(batch[0].DatasetId, StreamKeys.Dataset(batch[0].DatasetId)), idempotency: null);
        Interlocked.Add(ref _commitTicks, Stopwatch.GetTimestamp() - started);
        Interlocked.Add(ref _fetchTicks, fetch);
        Interlocked.Add(ref _sealTicks, seal);
        Interlocked.Increment(ref _transactions);
        return context.Appended.Max(e => e.Event.Sequence);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// Marten appending the same events unsigned, in a schema of its own in the same database: no envelope, no chain, no
/// sequencer. <see cref="Bare"/> has no projections at all; <see cref="LedgerConfigured"/> has the ledger's own store
/// configuration (inline read models and lineage index, LISTEN/NOTIFY on append) and fetches each stream for writing
/// as the ledger does, so the difference to the ledger path is the sealing, the chaining and the sequencer alone.
/// </summary>
internal sealed class PlainAppender : IAppender
{
    private readonly DocumentStore _store;
    private readonly bool _fetchForWriting;

    private PlainAppender(string name, DocumentStore store, bool fetchForWriting)
    {
        Name = name;
        _store = store;
        _fetchForWriting = fetchForWriting;
    }

    public string Name { get; }

    public static async Task<PlainAppender> Bare(string connectionString, CancellationToken ct)
    {
        var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.DatabaseSchemaName = "bench_plain";
            options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            options.UseSystemTextJsonForSerialization(LedgerJson.Create(), EnumStorage.AsString, Casing.CamelCase);
            options.Events.StreamIdentity = StreamIdentity.AsString;
            foreach (var (name, type) in EventCatalog.Types)
            {
                options.Events.MapEventType(type, name);
            }
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return new PlainAppender("plain Marten (unsigned, no projections)", store, fetchForWriting: false);
    }

    public static async Task<PlainAppender> LedgerConfigured(string connectionString, LedgerKeys keys, CancellationToken ct)
    {
        // the sequencer is registered by the configuration but only a hosted daemon runs it, and none runs for this store
        var store = DocumentStore.For(options => MartenSetup.Configure(options, connectionString, "bench_unsigned", keys));
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return new PlainAppender("Marten as the ledger configures it (unsigned)", store, fetchForWriting: true);
    }

    public async Task<long> AppendAsync(IReadOnlyList<(string DatasetId, IReadOnlyList<object> Events)> batch, CancellationToken ct)
    {
        await using var session = _store.LightweightSession();
        foreach (var (id, events) in batch)
        {
            if (_fetchForWriting)
            {
                // the lineage index needs each event's stream version before the commit, as the ledger path gives it
                var stream = await session.Events.FetchForWriting<Dataset>(StreamKeys.Dataset(id), ct);
                stream.AppendMany(events);
            }
            else
            {
                session.Events.Append(StreamKeys.Dataset(id), events);
            }
        }

        var appended = session.PendingChanges.Streams().SelectMany(s => s.Events).ToList();
        await session.SaveChangesAsync(ct);
        return appended.Max(e => e.Sequence);
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The events every appender commits: the same objects, so the payloads are identical.</summary>
internal static class AppendEvents
{
    private static readonly string Details = string.Concat(Enumerable.Repeat("drift within bounds on 48 columns; psi max 0.031; ", 6));

    public static string Sha256Of(string datasetId) => ModelPlan.Sha(ModelPlan.Hash(datasetId));

    public static DatasetRegistered Registered(string id, string by)
    {
        var at = id.LastIndexOf('@');
        return new DatasetRegistered(id, id[..at], id[(at + 1)..], $"s3://bench/{id}/", Sha256Of(id), "CC-BY-4.0", false,
            ["train"], [], "parquet; 48 columns", 1_250_000, by, DateTimeOffset.UtcNow);
    }

    public static DatasetCheckRecorded Check(string id, long n, string by) =>
        new(id, "drift-scan", "passed", $"nightly scan {n}: {Details}", by, DateTimeOffset.UtcNow);
}
