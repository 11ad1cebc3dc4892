using JasperFx.Events;
using Marten;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Statements;

namespace MlLedger.Api.Ledger;

/// <summary>
/// One attempt at one write: the session, who is writing (from the validated token) and when.
/// <see cref="Append{T}"/> is the sealing step: it turns domain events into signed, chained entries.
/// </summary>
internal sealed class WriteContext(IDocumentSession session, EntrySealer sealer, TrustedKeys trusted, Actor actor,
    DateTimeOffset now, long? expectedVersion, CancellationToken ct)
{
    private readonly Dictionary<string, (long Version, string? Hash)> _heads = new(StringComparer.Ordinal);
    private readonly List<(StreamVersion Position, IEvent Event)> _appended = [];

    public IDocumentSession Session { get; } = session;
    public Actor Actor { get; } = actor;
    public DateTimeOffset Now { get; } = now;
    public CancellationToken Cancellation { get; } = ct;
    /// <summary>The entries appended so far, with the stream position each was sealed at.</summary>
    public IEnumerable<(StreamVersion Position, IEvent Event)> Appended => _appended;

    /// <summary>
    /// The stream the request is about; an If-Match header applies to it. Writers of one stream take turns from
    /// here to their commit (a transaction-scoped advisory lock on the stream key, taken before anything is read):
    /// each decides on the state its predecessor committed, instead of many deciding on the same state, all but one
    /// losing the race at the commit, and retrying until their attempts run out.
    /// </summary>
    public async Task<IEventStream<T>> FetchPrimary<T>(string streamKey) where T : class
    {
        PrimaryStreamKey = streamKey;
        // the two-key form has a key space of its own: no clash with Marten's (single bigint) advisory locks
        var schema = Session.DocumentStore.Options.Events.DatabaseSchemaName;
        await Session.QueryAsync<int>("select 1 from pg_advisory_xact_lock(?, hashtext(?))", Cancellation, StreamLockClass, $"{schema}:{streamKey}");
        return expectedVersion is { } expected
            ? await Session.Events.FetchForWriting<T>(streamKey, expected, Cancellation)
            : await Session.Events.FetchForWriting<T>(streamKey, Cancellation);
    }

    /// <summary>The first key of the advisory locks on ledger streams (ASCII "MLst").</summary>
    private const int StreamLockClass = 0x4d4c7374;

    public string? PrimaryStreamKey { get; private set; }

    public Task<IEventStream<T>> Fetch<T>(string streamKey) where T : class =>
        Session.Events.FetchForWriting<T>(streamKey, Cancellation);

    /// <summary>
    /// The state decisions are made on: rebuilt from the stream's events up to the version fetched for writing,
    /// never the stored read-model document (which no signature covers).
    /// </summary>
    public async Task<T?> State<T>(IEventStream<T> stream) where T : class =>
        stream.StartingVersion is { } version and > 0
            ? await Session.Events.AggregateStreamAsync<T>(stream.Key!, version: version, token: Cancellation)
            : null;

    /// <summary>The resource named in the URL must exist: otherwise 404 (a missing reference in the body is a 409 refusal).</summary>
    public static void RequireFound(bool exists, string what)
    {
        if (!exists)
        {
            throw new ResourceNotFound(what);
        }
    }

    public async Task Append<T>(IEventStream<T> stream, IReadOnlyList<object> events, StatementSubject subject) where T : class
    {
        var key = stream.Key ?? throw new InvalidOperationException("ledger streams are keyed by string");
        if (!_heads.TryGetValue(key, out var head))
        {
            var starting = stream.StartingVersion ?? 0;
            head = (starting, await HashOfEntry(key, starting));
        }

        var (version, previousHash) = head;

        foreach (var data in events)
        {
            version++;
            var eventType = EventCatalog.NameOf(data);
            var node = LedgerJson.ToNode(data);
            EntryBounds.CheckValues(node);
            var entry = sealer.Seal(new UnsignedEntry(eventType, node, subject, new EntryMetadata(key, version, previousHash, Actor.Id, Now) { ActorIssuer = Actor.Issuer }));
            EntryBounds.CheckSize(key, eventType, node, entry);

            var stored = Session.Events.BuildEvent(data);
            stored.SetHeader(EntryHeaders.Envelope, entry.Envelope.ToJson());
            stored.SetHeader(EntryHeaders.KeyId, entry.KeyId);
            stored.SetHeader(EntryHeaders.Hash, entry.Hash);
            stream.AppendOne(stored);
            _appended.Add((new StreamVersion(key, version), stored));
            previousHash = entry.Hash;
        }

        _heads[key] = (version, previousHash);
    }

    /// <summary>Commits the entries, and the idempotency record of this outcome if the request had a key.</summary>
    public async Task CommitAsync(WriteOutcome outcome, IdempotencyRecord? idempotency)
    {
        if (idempotency is not null)
        {
            Session.Insert(idempotency with
            {
                Status = outcome.Status,
                ResourceId = outcome.ResourceId,
                PrimaryStream = outcome.PrimaryStream,
                Location = (outcome as WriteOutcome.Created)?.Location,
                ProblemCode = (outcome as WriteOutcome.RecordedRefusal)?.Code,
                ProblemDetail = (outcome as WriteOutcome.RecordedRefusal)?.Detail,
                Entries = _appended.Select(e => e.Position).ToList(),
                Body = outcome.Body?.ToJsonString(),
            });
        }

        await Session.SaveChangesAsync(Cancellation);
    }

    private async Task<string?> HashOfEntry(string streamKey, long version)
    {
        if (version <= 0)
        {
            return null;
        }

        // recomputed from the previous entry's signed envelope: the stored hash header is not trusted
        var previous = await Session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == streamKey && e.Version == version)
            .SingleAsync(Cancellation);
        var envelope = EntryHeaders.ReadEnvelope(previous)
            ?? throw new InvalidOperationException($"entry {streamKey}#{version} has no signed envelope");
        var signer = envelope.Signatures is [{ } only] ? trusted.Find(only.KeyId) : null;
        return signer is null
            ? throw new InvalidOperationException($"entry {streamKey}#{version} is not signed by a known ledger key")
            : LeafBody.Hash(LeafBody.Build(envelope, signer.Key));
    }
}

/// <summary>
/// Who is writing, as the validated token says; never a field of the body. <see cref="Id"/> is the canonical subject,
/// <see cref="Issuer"/> the token's issuer (null only for the ledger's own entries, such as a policy set publication).
/// Every entry records both; separation of duties compares both.
/// </summary>
internal sealed record Actor(string Id, IReadOnlyList<string> Roles)
{
    public string? Issuer { get; init; }

    public bool IsAdmin => Roles.Contains(Auth.Roles.Admin, StringComparer.Ordinal);
}

/// <summary>
/// What the handler read was already outdated (another write committed in between): decide again on fresh state,
/// as for a concurrency conflict.
/// </summary>
internal sealed class StaleRead(string message) : Exception(message);

/// <summary>The resource a write names in its URL does not exist.</summary>
internal sealed class ResourceNotFound(string what) : Exception($"{what} was not found.")
{
    public string What { get; } = what;
}
