using System.Globalization;
using MlLedger.Api.Http;
using MlLedger.Api.Log;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MlLedger.Api.Lineage;

/// <summary>What an <c>asOf</c> parameter named: a tree size (the first N leaves of the log), a time, or now.</summary>
public sealed record AsOfView(long? TreeSize, DateTimeOffset? Time);

internal static class AsOf
{
    /// <summary>
    /// Reads <c>asOf</c>: digits are a tree size, anything else an ISO 8601 time (UTC when it has no offset). A tree size
    /// cuts at the entry of its last leaf; a time at the entries' own (signed) times.
    /// </summary>
    public static async Task<(AsOfView View, LineageCut Cut, ProblemHttpResult? Problem)> Resolve(string? asOf, LogStore log, CancellationToken ct)
    {
        var now = new AsOfView(null, null);
        if (string.IsNullOrEmpty(asOf))
        {
            return (now, LineageCut.Now, null);
        }

        if (asOf.All(char.IsAsciiDigit))
        {
            if (!long.TryParse(asOf, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                return (now, LineageCut.Now, Bad($"asOf tree size '{asOf}' is too large."));
            }

            var logSize = (await log.State(ct)).Size;
            if (size > logSize)
            {
                return (now, LineageCut.Now, Bad($"asOf tree size {size} is beyond the log, which has {logSize} leaves."));
            }

            var lastSeq = size == 0 ? 0 : await log.SequenceAt(size - 1, ct) ?? throw new InvalidOperationException($"Leaf {size - 1} is missing.");
            return (new AsOfView(size, null), LineageCut.AtTreeSize(size, lastSeq), null);
        }

        if (TryParseTime(asOf, out var time))
        {
            return (new AsOfView(null, time), new LineageCut(null, time), null);
        }

        return (now, LineageCut.Now, Bad($"asOf '{asOf}' is neither a tree size nor an ISO 8601 time."));
    }

    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd",
    ];

    /// <summary>
    /// An ISO 8601 time (UTC when it has no offset), nothing else. A '+' of an offset left unescaped in a query string
    /// arrives as a space, and is read as the '+' it was.
    /// </summary>
    public static bool TryParseTime(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrEmpty(text) ||
            !DateTimeOffset.TryParseExact(text.Replace(' ', '+'), IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return false;
        }

        time = parsed.ToUniversalTime();
        return true;
    }

    private static ProblemHttpResult Bad(string detail) => Problems.Of(StatusCodes.Status400BadRequest, "bad-as-of", detail);
}
