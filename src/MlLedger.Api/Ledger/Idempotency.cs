using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marten;

namespace MlLedger.Api.Ledger;

public sealed record StreamVersion(string Stream, long Version);

/// <summary>
/// The first outcome of a write made with an <c>Idempotency-Key</c>, stored in the same transaction
/// as its entries. A retry with the same key and body gets the same answer and appends nothing.
/// </summary>
public sealed record IdempotencyRecord(
    string Id,
    string RequestHash,
    int Status,
    string ResourceId,
    string PrimaryStream,
    string? Location,
    string? ProblemCode,
    string? ProblemDetail,
    IReadOnlyList<StreamVersion> Entries,
    DateTimeOffset CreatedAt)
{
    /// <summary>The answer's fields besides the receipt, as JSON, when it had any.</summary>
    public string? Body { get; init; }
}

/// <summary>What the ledger accepts as an <c>Idempotency-Key</c>; clients check keys with the same rule.</summary>
public static class IdempotencyKeys
{
    /// <summary>A key is 1-200 printable ASCII characters, no spaces.</summary>
    public static bool IsValid(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length is > 0 and <= 200 && key.All(c => c is >= '!' and <= '~');
    }
}

internal static class Idempotency
{
    public const string Header = "Idempotency-Key";

    /// <summary>
    /// Keys are scoped to the caller (token issuer and subject): one identity can never replay another's response,
    /// nor the same subject of another issuer. Neither part can hold a newline (canonical subjects have no control
    /// characters; the issuer is the configured one), so the scope is unambiguous.
    /// </summary>
    public static string RecordId(Actor actor, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{actor.Issuer}\n{actor.Id}\n{key}")));

    public static string RequestHash(HttpRequest request, object body) =>
        Convert.ToHexStringLower(SHA256.HashData(
            [.. Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"), .. JsonSerializer.SerializeToUtf8Bytes(body, body.GetType())]));


    public static Task<IdempotencyRecord?> Find(IQuerySession session, string id, CancellationToken ct) =>
        session.LoadAsync<IdempotencyRecord>(id, ct);
}
