using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MlLedger.Api.Http;
using MlLedger.Api.Storage;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Entries;

/// <summary>One failed check of one entry, with where the entry is.</summary>
public sealed record StreamEntryFailure(string StreamId, long Seq, long StreamVersion, string Code, string Message);

/// <summary>
/// The answer of <c>GET /v1/verification/streams</c>. <paramref name="Streams"/> lists the stream asked for with
/// <c>?stream=</c> and every entry's result; without it the list is empty (it would grow with the ledger), and the
/// failures and totals say what an auditor needs. <paramref name="Failures"/> holds the first
/// <see cref="VerifyingStreams.MaxReportedFailures"/> failures; <paramref name="FailureCount"/> counts every one.
/// </summary>
public sealed record StreamsVerificationReport(
    IReadOnlyList<StreamVerification> Streams,
    IReadOnlyList<StreamEntryFailure> Failures,
    long FailureCount,
    long FailedEntries,
    long StreamsChecked,
    long EntriesChecked,
    bool Valid);

/// <summary>
/// <c>GET /v1/verification/streams[?stream=]</c>: every entry of one stream, or of every stream, verified against the
/// key ring (signatures, chain links, versions, stored data) a page of rows at a time, and the answer written as the
/// entries are verified: the request holds one page of rows and at most <see cref="MaxReportedFailures"/> failures,
/// however large the stream or the ledger.
/// </summary>
internal static class VerifyingStreams
{
    public const int MaxReportedFailures = 1000;

    /// <summary>Buffered answer bytes are sent once there are this many.</summary>
    private const int FlushBytes = 32 * 1024;

    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Handle(
        string? stream, LedgerDatabase database, TrustedKeys trusted, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        HttpContext http, CancellationToken ct)
    {
        await using var entries = StreamsVerification.Verify(database, trusted, stream, ct).GetAsyncEnumerator(ct);
        var more = await entries.MoveNextAsync();
        if (!more && stream is not null)
        {
            return Problems.NotFound($"Stream {stream}");
        }

        var options = json.Value.SerializerOptions;
        string Name(string property) => options.PropertyNamingPolicy?.ConvertName(property) ?? property;
        var failures = new List<StreamEntryFailure>();
        long failureCount = 0, failedEntries = 0, streamsChecked = 0, entriesChecked = 0;
        var streamValid = true;
        string? current = null;

        http.Response.ContentType = "application/json; charset=utf-8";
        var body = http.Response.BodyWriter;
        await using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(Name(nameof(StreamsVerificationReport.Streams)));
            for (; more; more = await entries.MoveNextAsync())
            {
                var (streamId, result) = entries.Current;
                if (streamId != current)
                {
                    if (current is not null && stream is not null)
                    {
                        EndStream(writer, streamValid, Name);
                    }

                    (current, streamValid) = (streamId, true);
                    streamsChecked++;
                    if (stream is not null)
                    {
                        writer.WriteStartObject();
                        writer.WriteString(Name(nameof(StreamVerification.StreamId)), streamId);
                        writer.WriteStartArray(Name(nameof(StreamVerification.Entries)));
                    }
                }

                entriesChecked++;
                streamValid &= result.IsValid;
                if (!result.IsValid)
                {
                    failedEntries++;
                }

                foreach (var failure in result.Failures)
                {
                    failureCount++;
                    if (failures.Count < MaxReportedFailures)
                    {
                        failures.Add(new StreamEntryFailure(streamId, result.Seq, result.StreamVersion, failure.Code, failure.Message));
                    }
                }

                if (stream is not null)
                {
                    JsonSerializer.Serialize(writer, result, options);
                }

                if (writer.BytesPending >= FlushBytes)
                {
                    await writer.FlushAsync(ct);
                    await body.FlushAsync(ct);
                }
            }

            if (current is not null && stream is not null)
            {
                EndStream(writer, streamValid, Name);
            }

            writer.WriteEndArray();
            writer.WritePropertyName(Name(nameof(StreamsVerificationReport.Failures)));
            JsonSerializer.Serialize(writer, failures, options);
            writer.WriteNumber(Name(nameof(StreamsVerificationReport.FailureCount)), failureCount);
            writer.WriteNumber(Name(nameof(StreamsVerificationReport.FailedEntries)), failedEntries);
            writer.WriteNumber(Name(nameof(StreamsVerificationReport.StreamsChecked)), streamsChecked);
            writer.WriteNumber(Name(nameof(StreamsVerificationReport.EntriesChecked)), entriesChecked);
            writer.WriteBoolean(Name(nameof(StreamsVerificationReport.Valid)), failedEntries == 0);
            writer.WriteEndObject();
            await writer.FlushAsync(ct);
        }

        await body.FlushAsync(ct);
        return TypedResults.Empty;
    }

    /// <summary>Closes a stream's entries; its validity is known only once they are all written.</summary>
    private static void EndStream(Utf8JsonWriter writer, bool valid, Func<string, string> name)
    {
        writer.WriteEndArray();
        writer.WriteBoolean(name(nameof(StreamVerification.IsValid)), valid);
        writer.WriteEndObject();
    }
}
