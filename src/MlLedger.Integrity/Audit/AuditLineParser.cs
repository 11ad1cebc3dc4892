using System.Text.Json;
using MlLedger.Integrity.Dsse;

namespace MlLedger.Integrity.Audit;

/// <summary>
/// The entry and end lines of an audit bundle, parsed strictly and without building a document: every field
/// required (except <c>keyid</c>, optional in DSSE), no unknown or repeated property, canonical base64.
/// The header line: <see cref="AuditHeaderParser"/>.
/// </summary>
internal static class AuditLineParser
{
    private const int LogIndexBit = 1, SeqBit = 2, StreamIdBit = 4, StreamVersionBit = 8, EventTypeBit = 16, DataBit = 32, EnvelopeBit = 64;
    private const int AllEntryBits = 127;
    private const int EndBit = 128, EntriesBit = 256;

    /// <summary>An entry, or null for the end line (with its count in <paramref name="endCount"/>).</summary>
    public static AuditEntry? ParseEntryOrEnd(ReadOnlySpan<byte> line, long lineNumber, out long endCount)
    {
        try
        {
            return EntryOrEnd(line, out endCount);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException && e is not AuditBundleFormatException)
        {
            throw new AuditBundleFormatException(lineNumber, $"not an entry or end line: {e.Message}", innerException: e);
        }
    }

    private static AuditEntry? EntryOrEnd(ReadOnlySpan<byte> line, out long endCount)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        Expect(ref reader, JsonTokenType.StartObject, "the line");

        int seen = 0;
        long logIndex = 0, seq = 0, streamVersion = 0;
        string? streamId = null, eventType = null, data = null;
        DsseEnvelope? envelope = null;
        bool end = false;
        endCount = 0;
        while (Read(ref reader) != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            int bit = name switch
            {
                "logIndex" => LogIndexBit,
                "seq" => SeqBit,
                "streamId" => StreamIdBit,
                "streamVersion" => StreamVersionBit,
                "eventType" => EventTypeBit,
                "data" => DataBit,
                "envelope" => EnvelopeBit,
                "end" => EndBit,
                "entries" => EntriesBit,
                _ => throw new FormatException($"unknown property \"{name}\"."),
            };
            if ((seen & bit) != 0)
            {
                throw new FormatException($"property \"{name}\" appears twice.");
            }

            seen |= bit;
            Read(ref reader);
            switch (bit)
            {
                case LogIndexBit: logIndex = NonNegative(ref reader, name); break;
                case SeqBit: seq = NonNegative(ref reader, name); break;
                case StreamVersionBit: streamVersion = NonNegative(ref reader, name); break;
                case StreamIdBit: streamId = NonEmpty(ref reader, name); break;
                case EventTypeBit: eventType = NonEmpty(ref reader, name); break;
                case DataBit: data = StringValue(ref reader, name); break;
                case EnvelopeBit: envelope = Envelope(ref reader); break;
                case EntriesBit: endCount = NonNegative(ref reader, name); break;
                default:
                    end = reader.TokenType == JsonTokenType.True
                        ? true
                        : throw new FormatException("\"end\" must be true.");
                    break;
            }
        }

        if (reader.Read())
        {
            throw new FormatException("there is content after the JSON object.");
        }

        if (end || (seen & (EndBit | EntriesBit)) != 0)
        {
            return seen == (EndBit | EntriesBit) ? null : throw new FormatException("the end line has exactly \"end\": true and \"entries\".");
        }

        if (seen != AllEntryBits)
        {
            throw new FormatException("an entry line needs logIndex, seq, streamId, streamVersion, eventType, data and envelope.");
        }

        return new AuditEntry(logIndex, seq, streamId!, streamVersion, eventType!, data!, envelope!);
    }

    private static DsseEnvelope Envelope(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "envelope", read: false);
        byte[]? payload = null;
        string? payloadType = null;
        List<DsseSignature>? signatures = null;
        while (Read(ref reader) != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            Read(ref reader);
            switch (name)
            {
                case "payload" when payload is null: payload = Base64(ref reader, "envelope.payload"); break;
                case "payloadType" when payloadType is null: payloadType = StringValue(ref reader, "envelope.payloadType"); break;
                case "signatures" when signatures is null: signatures = Signatures(ref reader); break;
                default: throw new FormatException($"envelope property \"{name}\" is unknown or repeated.");
            }
        }

        if (payload is null || payloadType is null || signatures is null)
        {
            throw new FormatException("envelope needs payload, payloadType and signatures.");
        }

        return new DsseEnvelope(payloadType, payload, signatures);
    }

    private static List<DsseSignature> Signatures(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartArray, "envelope.signatures", read: false);
        var signatures = new List<DsseSignature>(1);
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject, "a signature", read: false);
            string? keyId = null;
            byte[]? sig = null;
            while (Read(ref reader) != JsonTokenType.EndObject)
            {
                string name = reader.GetString()!;
                Read(ref reader);
                switch (name)
                {
                    case "keyid" when keyId is null: keyId = StringValue(ref reader, "keyid"); break;
                    case "sig" when sig is null: sig = Base64(ref reader, "sig"); break;
                    default: throw new FormatException($"signature property \"{name}\" is unknown or repeated.");
                }
            }

            signatures.Add(new DsseSignature(keyId ?? string.Empty, sig ?? throw new FormatException("a signature has no \"sig\".")));
        }

        return signatures.Count > 0 ? signatures : throw new FormatException("envelope has no signatures.");
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new FormatException("the JSON ends early.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what, bool read = true)
    {
        if ((read ? Read(ref reader) : reader.TokenType) != type)
        {
            throw new FormatException($"{what} must be {type}, not {reader.TokenType}.");
        }
    }

    private static long NonNegative(ref Utf8JsonReader reader, string name) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value >= 0
            ? value
            : throw new FormatException($"\"{name}\" must be a non-negative integer.");

    private static string StringValue(ref Utf8JsonReader reader, string name) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new FormatException($"\"{name}\" must be a string.");

    private static string NonEmpty(ref Utf8JsonReader reader, string name)
    {
        string value = StringValue(ref reader, name);
        return value.Length > 0 ? value : throw new FormatException($"\"{name}\" is empty.");
    }

    /// <summary>Canonical padded base64 only, decoded from the UTF-8 token without an intermediate string.</summary>
    private static byte[] Base64(ref Utf8JsonReader reader, string name)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException($"\"{name}\" must be a string.");
        }

        // escapes are legal JSON but never written by a ledger; take the string-based path for them
        bool decoded = reader.ValueIsEscaped || reader.HasValueSequence
            ? CanonicalBase64.TryDecode(reader.GetString()!, out byte[] bytes)
            : CanonicalBase64.TryDecodeUtf8(reader.ValueSpan, out bytes);
        return decoded ? bytes : throw NotBase64(name);
    }

    private static FormatException NotBase64(string name) => new($"\"{name}\" is not standard padded base64.");
}
