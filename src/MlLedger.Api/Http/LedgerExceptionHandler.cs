using System.Text.Json;
using JasperFx;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using MlLedger.Domain;
using Npgsql;

namespace MlLedger.Api.Http;

/// <summary>
/// Maps the few exception types that mean something to a client onto RFC 9457 problem details.
/// Anything else is a 500 whose details stay in the log.
/// </summary>
internal sealed class LedgerExceptionHandler(IProblemDetailsService problems, ILogger<LedgerExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is Ledger.UnstorableValues unstorable)
        {
            await Problems.Invalid(new Dictionary<string, string[]>(unstorable.Problems), "value(s) cannot be stored").ExecuteAsync(http);
            return true;
        }

        var (status, title, detail, code) = exception switch
        {
            DomainRejection r => (StatusCodes.Status409Conflict, "Refused by the ledger's rules", r.Message, r.Code),
            Policies.BadCheck b => (StatusCodes.Status400BadRequest, "The request is invalid", b.Message, b.Code),
            Ledger.EntryTooLarge t => (StatusCodes.Status422UnprocessableEntity, "Entry too large", t.Message, "entry-too-large"),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "Request body too large", "The request body exceeds the limit of this endpoint.", "body-too-large"),
            BadHttpRequestException b => (b.StatusCode, "Malformed request", Describe(b), "malformed-request"),
            ConcurrencyException or ExistingStreamIdCollisionException or DocumentAlreadyExistsException or Ledger.StaleRead =>
                (StatusCodes.Status409Conflict, "Concurrent change", "Another request changed this resource at the same time; retry.", "concurrency-conflict"),
            _ when Ledger.SerializationFailures.Any(exception) =>
                (StatusCodes.Status409Conflict, "Concurrent change", "Another request changed what this one read at the same time; retry.", "concurrency-conflict"),
            PostgresException { SqlState: PostgresErrorCodes.UntranslatableCharacter or PostgresErrorCodes.CharacterNotInRepertoire } =>
                (StatusCodes.Status400BadRequest, "Unsupported text", "The request holds characters the ledger cannot store (e.g. NUL).", "unsupported-text"),
            _ when StorageOutage.Any(exception) =>
                (StatusCodes.Status503ServiceUnavailable, "Ledger storage unavailable", HttpMethods.IsGet(http.Request.Method)
                    ? "The database could not be reached; retry later."
                    : "The database could not be reached, and this write may or may not have been recorded: retry it later with the same Idempotency-Key to learn which.",
                    "storage-unavailable"),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The ledger could not complete the request.", "internal-error"),
        };

        http.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            // an outage fails every request alike: one line each, not a stack trace each
            log.LogWarning("Request {Method} {Path} answered 503: storage unavailable ({Cause})", http.Request.Method, http.Request.Path,
                exception.GetBaseException().Message);
            http.Response.Headers.RetryAfter = "1";
        }
        else if (status >= 500)
        {
            log.LogError(exception, "Request {Method} {Path} failed", http.Request.Method, http.Request.Path);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = detail,
                Type = $"https://mlledger.dev/problems/{code}",
                Extensions = { ["code"] = code },
            },
        });
    }

    /// <summary>The client's mistake in words, without internals: JSON errors name the path and position.</summary>
    private static string Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException { Path: { } path } json =>
            $"The body is not valid for this endpoint at {path} (line {json.LineNumber + 1}, byte {json.BytePositionInLine}): " +
            "malformed JSON, a wrong type, an unknown field or an unknown value.",
        JsonException => "The body is not valid JSON.",
        _ => exception.Message,
    };
}

/// <summary>
/// The database is down, restarting or unreachable, or the connection broke mid-request: PostgreSQL refused or
/// ended the session (57P01 admin shutdown, 57P03 starting up or shutting down), the socket failed (Npgsql marks
/// these transient), or a timeout. Marten wraps what Npgsql throws (MartenCommandException, and an
/// ObjectDisposedException when its rollback finds the connection gone), so the whole chain of causes is searched.
/// A write that failed this way during COMMIT may have landed: the client learns its outcome by retrying with its
/// Idempotency-Key.
/// </summary>
internal static class StorageOutage
{
    public static bool Any(Exception? e) => e switch
    {
        null => false,
        PostgresException p => IsOutageState(p.SqlState) || Any(p.InnerException),
        NpgsqlException { IsTransient: true } or TimeoutException => true,
        AggregateException all => all.InnerExceptions.Any(Any),
        _ => Any(e.InnerException),
    };

    /// <summary>
    /// The server's answers that mean it cannot serve now (connection exceptions, too many connections or out of
    /// resources, shutting down or starting up); other states Npgsql calls transient (an object in use, a lock not
    /// available, a system error) are failures of this request, answered 500 and logged with their stack trace.
    /// </summary>
    private static bool IsOutageState(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal) ||
        state.StartsWith("57P", StringComparison.Ordinal);
}
