using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using JasperFx;
using Marten;
using Marten.Exceptions;
using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Keys;
using MlLedger.Domain;

namespace MlLedger.Api.Ledger;

public sealed record EntryReceipt(long Seq, string Hash);

/// <summary>What every write answers: the resource, its stream version (also the ETag) and the new entries.</summary>
public sealed record WriteReceipt(string Id, long Version, IReadOnlyList<EntryReceipt> Entries);

/// <summary>
/// A 409 whose refusal was itself recorded (a blocked deployment): the problem, the policy decision, and the receipt of the
/// entry that records it. A refusal that records nothing carries only the problem's fields.
/// </summary>
public sealed record RecordedRefusalProblem(
    string Type, string Title, int Status, string Detail, string Code, string? TraceId, string? Id, long? Version,
    IReadOnlyList<EntryReceipt>? Entries, Domain.Policies.PolicyDecision? Decision);

/// <summary>How a write ended, before it is turned into HTTP.</summary>
internal abstract record WriteOutcome(string ResourceId, string PrimaryStream, int Status)
{
    /// <summary>
    /// Fields the answer carries besides the receipt (e.g. a policy decision); kept with an idempotency record so
    /// that a retry gets the same answer.
    /// </summary>
    public JsonObject? Body { get; init; }

    public sealed record Created(string ResourceId, string PrimaryStream, string Location)
        : WriteOutcome(ResourceId, PrimaryStream, StatusCodes.Status201Created);

    public sealed record Done(string ResourceId, string PrimaryStream)
        : WriteOutcome(ResourceId, PrimaryStream, StatusCodes.Status200OK);

    /// <summary>A question answered and recorded (e.g. a policy check): 200 with <see cref="WriteOutcome.Body"/> and the entries.</summary>
    public sealed record Answered(string ResourceId, string PrimaryStream)
        : WriteOutcome(ResourceId, PrimaryStream, StatusCodes.Status200OK);

    /// <summary>Refused, and the refusal itself was recorded (e.g. DeploymentBlocked): 409 with the entries.</summary>
    public sealed record RecordedRefusal(string ResourceId, string PrimaryStream, string Code, string Detail)
        : WriteOutcome(ResourceId, PrimaryStream, StatusCodes.Status409Conflict);
}

/// <summary>
/// Runs a write handler and commits what it appended: idempotency, optimistic concurrency (If-Match, or a
/// retry on a lost race when the client sent none, since the handler decides again on fresh state), and the
/// answer with receipts and ETag. The handler fetches, decides and appends; this commits once.
/// </summary>
internal sealed class LedgerWriter(IDocumentStore store, LedgerKeys keys, TimeProvider clock)
{
    private const int Attempts = 8;

    /// <summary>The ledger's own metrics (System.Diagnostics.Metrics), for dashboards and load measurements.</summary>
    public static readonly Meter Meter = new("MlLedger.Api");

    /// <summary>Write attempts that lost a race and were decided again on fresh state.</summary>
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("mlledger.write.retries", description: "write attempts decided again after a lost race");

    public async Task<IResult> Execute(HttpContext http, object request, Func<WriteContext, Task<WriteOutcome>> handler)
    {
        var ct = http.RequestAborted;
        var actor = ActorOf(http.User);
        if (!TryReadIfMatch(http.Request, out var expectedVersion))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-if-match", "If-Match must be a stream version ETag, e.g. \"3\".");
        }

        IdempotencyRecord? idempotency = null;
        if (http.Request.Headers[Idempotency.Header].FirstOrDefault() is { } key)
        {
            if (!IdempotencyKeys.IsValid(key))
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "bad-idempotency-key", "Idempotency-Key must be 1-200 printable ASCII characters.");
            }

            idempotency = new IdempotencyRecord(Idempotency.RecordId(actor, key), Idempotency.RequestHash(http.Request, request),
                0, "", "", null, null, null, [], clock.GetUtcNow());
            if (await Replay(idempotency, ct) is { } replayed)
            {
                return replayed;
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            // one transaction from the first read to the commit: a policy decision share-locks the streams it reads
            // (see PolicyFactGatherer), so nothing it relied on can change before it commits
            // the lease is taken before the time is read and held until the commit: the entry is sealed by the key
            // that was active at its time. It comes before the connection, so writers waiting behind a key rotation
            // hold no pooled connection and the rotation's own write always gets one.
            using var lease = await keys.EnterWriteAsync(ct);
            await using var session = store.LightweightSession();
            await session.BeginTransactionAsync(ct);
            var context = new WriteContext(session, lease.Keys.Sealer, lease.Keys.Trusted, actor, clock.GetUtcNow(), expectedVersion, ct);
            try
            {
                var outcome = await handler(context);
                await context.CommitAsync(outcome, idempotency);
                return Respond(outcome, context.Appended.Select(e =>
                    (e.Position.Stream, e.Position.Version, e.Event.Sequence, EntryHeaders.Read(e.Event, EntryHeaders.Hash)!)));
            }
            catch (Exception e) when ((e is ConcurrencyException or ExistingStreamIdCollisionException or StaleRead && expectedVersion is null
                                       || SerializationFailures.Any(e)) && attempt < Attempts)
            {
                // lost a race: a request with the same key may have won it; otherwise decide again on fresh state
                if (idempotency is not null && await Replay(idempotency, ct) is { } replayed)
                {
                    return replayed;
                }

                Retries.Add(1);
                await Task.Delay(Random.Shared.Next(2, 10 * attempt), ct);
            }
            catch (Exception e) when (e is ConcurrencyException or StaleRead && expectedVersion is not null)
            {
                return await PreconditionFailed(context);
            }
            catch (DomainRejection) when (idempotency is not null)
            {
                // a twin request with the same key may have committed between our first look and our decision
                // (e.g. "already registered" by that very twin): its answer is ours
                if (await Replay(idempotency, ct) is { } replayed)
                {
                    return replayed;
                }

                throw;
            }
            catch (ResourceNotFound missing)
            {
                return Problems.NotFound(missing.What);
            }
            catch (DocumentAlreadyExistsException) when (idempotency is not null)
            {
                // a concurrent request with the same key committed first; answer what it answered
                return await Replay(idempotency, ct) ?? throw new InvalidOperationException("idempotency record vanished");
            }
        }
    }

    /// <summary>
    /// Records entries for a request whose answer is something else than a receipt (an issued report's PDF): the
    /// handler appends on new streams only, so there is no race to retry; the receipts of the committed entries come back.
    /// </summary>
    public async Task<IReadOnlyList<EntryReceipt>> Record(HttpContext http, Func<WriteContext, Task<WriteOutcome>> handler)
    {
        var ct = http.RequestAborted;
        using var lease = await keys.EnterWriteAsync(ct);
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var context = new WriteContext(session, lease.Keys.Sealer, lease.Keys.Trusted, ActorOf(http.User), clock.GetUtcNow(), null, ct);
        await context.CommitAsync(await handler(context), idempotency: null);
        return context.Appended.Select(e => new EntryReceipt(e.Event.Sequence, EntryHeaders.Read(e.Event, EntryHeaders.Hash)!)).ToList();
    }

    /// <summary>Who is writing: the validated token's issuer, canonical subject and roles (see Auth/TokenIdentity).</summary>
    public static Actor ActorOf(ClaimsPrincipal user) =>
        new(user.FindFirstValue(TokenIdentity.SubjectClaim) ?? throw new InvalidOperationException("authenticated principal without sub"),
            user.FindAll(TokenIdentity.RoleClaim).Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList())
        {
            Issuer = user.FindFirstValue(TokenIdentity.IssuerClaim) ?? throw new InvalidOperationException("authenticated principal without iss"),
        };

    private static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var header = request.Headers.IfMatch.FirstOrDefault();
        if (header is null)
        {
            return true;
        }

        var raw = header.Trim();
        if (raw.StartsWith("W/", StringComparison.Ordinal))
        {
            raw = raw[2..];
        }

        if (raw.Length >= 3 && raw[0] == '"' && raw[^1] == '"' &&
            long.TryParse(raw[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            version = parsed;
            return true;
        }

        return false;
    }

    private static WithETag Respond(WriteOutcome outcome, IEnumerable<(string Stream, long Version, long Seq, string Hash)> entries)
    {
        var list = entries.ToList();
        var version = list.Where(e => e.Stream == outcome.PrimaryStream).Select(e => e.Version).DefaultIfEmpty(0).Max();
        var receipt = new WriteReceipt(outcome.ResourceId, version, list.Select(e => new EntryReceipt(e.Seq, e.Hash)).ToList());
        var etag = ETags.Of(version);
        return outcome switch
        {
            WriteOutcome.Created created => new WithETag(TypedResults.Created(created.Location, receipt), etag),
            WriteOutcome.RecordedRefusal refusal => new WithETag(Problems.Of(StatusCodes.Status409Conflict, refusal.Code, refusal.Detail,
                Extensions(refusal.Body, receipt)), etag),
            WriteOutcome.Answered or WriteOutcome.Done { Body: not null } => new WithETag(TypedResults.Ok(Extensions(outcome.Body, receipt)), etag),
            _ => new WithETag(TypedResults.Ok(receipt), etag),
        };
    }

    private static Dictionary<string, object?> Extensions(JsonObject? body, WriteReceipt receipt)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = receipt.Id };
        foreach (var (name, value) in body ?? [])
        {
            fields[name] = value?.DeepClone();
        }

        fields["version"] = receipt.Version;
        fields["entries"] = receipt.Entries;
        return fields;
    }

    private async Task<IResult?> Replay(IdempotencyRecord request, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var stored = await Idempotency.Find(session, request.Id, ct);
        if (stored is null)
        {
            return null;
        }

        if (stored.RequestHash != request.RequestHash)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused",
                "This Idempotency-Key was already used with a different request.");
        }

        var entries = new List<(string, long, long, string)>();
        foreach (var reference in stored.Entries)
        {
            var e = await session.Events.QueryAllRawEvents()
                .Where(x => x.StreamKey == reference.Stream && x.Version == reference.Version)
                .SingleAsync(ct);
            entries.Add((reference.Stream, reference.Version, e.Sequence, EntryHeaders.Read(e, EntryHeaders.Hash) ?? ""));
        }

        var body = stored.Body is null ? null : JsonNode.Parse(stored.Body)?.AsObject();
        WriteOutcome outcome = stored.Status switch
        {
            StatusCodes.Status201Created => new WriteOutcome.Created(stored.ResourceId, stored.PrimaryStream, stored.Location ?? ""),
            StatusCodes.Status409Conflict => new WriteOutcome.RecordedRefusal(stored.ResourceId, stored.PrimaryStream, stored.ProblemCode ?? "", stored.ProblemDetail ?? ""),
            _ when body is not null => new WriteOutcome.Answered(stored.ResourceId, stored.PrimaryStream),
            _ => new WriteOutcome.Done(stored.ResourceId, stored.PrimaryStream),
        };
        outcome = outcome with { Body = body };
        return Respond(outcome, entries);
    }

    private static async Task<IResult> PreconditionFailed(WriteContext context)
    {
        var key = context.PrimaryStreamKey ?? "";
        var state = await context.Session.Events.FetchStreamStateAsync(key, context.Cancellation);
        if (state is null)
        {
            return Problems.NotFound($"The resource ({key})");
        }

        var current = state.Version;
        return new WithETag(
            Problems.Of(StatusCodes.Status412PreconditionFailed, "version-mismatch",
                $"The resource is at version {current}, not the one given in If-Match."),
            ETags.Of(current));
    }
}

/// <summary>PostgreSQL aborted a transaction that could not be serialized with a concurrent one: retry it.</summary>
internal static class SerializationFailures
{
    public static bool Any(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.SerializationFailure or Npgsql.PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }
}
