using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Bundles;

/// <summary>
/// A Sigstore TrustedRoot (v0.1, protobuf-specs JSON form) for the ledger's log: one <c>tlogs</c> entry per
/// ledger key ever used, each with its validity window, so that checkpoints signed before a rotation keep
/// verifying. There is no certificate authority: ledger entries are signed with the ledger's own keys.
/// </summary>
public static class TrustedRoot
{
    public const string MediaType = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

    /// <param name="baseUrl">Where the log is served (informational for verifiers).</param>
    public static byte[] Write(string baseUrl, IReadOnlyList<KeyRingEntry> keys)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseUrl);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("A trusted root needs at least one key.", nameof(keys));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = LedgerJson.Writer.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("mediaType", MediaType);
            writer.WriteStartArray("tlogs");
            foreach (var key in keys.OrderBy(k => k.ValidFrom))
            {
                byte[] spki = key.Key.SpkiDer;
                writer.WriteStartObject();
                writer.WriteString("baseUrl", baseUrl);
                writer.WriteString("hashAlgorithm", "SHA2_256");
                writer.WriteStartObject("publicKey");
                writer.WriteBase64String("rawBytes", spki);
                writer.WriteString("keyDetails", "PKIX_ECDSA_P256_SHA_256");
                writer.WriteStartObject("validFor");
                writer.WriteString("start", Timestamp(key.ValidFrom));
                if (key.ValidUntil is { } end)
                {
                    writer.WriteString("end", Timestamp(end));
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteStartObject("logId");
                writer.WriteBase64String("keyId", SHA256.HashData(spki));
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("certificateAuthorities");
            writer.WriteEndArray();
            writer.WriteStartArray("ctlogs");
            writer.WriteEndArray();
            writer.WriteStartArray("timestampAuthorities");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a TrustedRoot into the keys an auditor trusts: every <c>tlogs</c> key with its validity window. Only
    /// <c>PKIX_ECDSA_P256_SHA_256</c> keys are accepted; a <c>logId.keyId</c> must be the SHA-256 of the key.
    /// Certificate authorities, CT logs and timestamp authorities are not read: the ledger uses none.
    /// </summary>
    /// <exception cref="FormatException">Not a TrustedRoot, no tlog key, or a key that is malformed, of another kind or listed twice.</exception>
    public static TrustedKeys Read(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), LedgerJson.StrictDocument);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Trusted root is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            return ReadKeys(document.RootElement);
        }
    }

    /// <inheritdoc cref="Read(ReadOnlySpan{byte})"/>
    public static TrustedKeys Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(System.Text.Encoding.UTF8.GetBytes(json));
    }

    private static TrustedKeys ReadKeys(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Trusted root must be a JSON object, not {root.ValueKind}.");
        }

        string mediaType = RequiredString(root, "mediaType", "trusted root");
        if (!mediaType.StartsWith("application/vnd.dev.sigstore.trustedroot", StringComparison.Ordinal))
        {
            throw new FormatException($"Trusted root mediaType is \"{mediaType}\", not a Sigstore trusted root.");
        }

        if (!root.TryGetProperty("tlogs", out var tlogs) || tlogs.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("Trusted root has no \"tlogs\" array.");
        }

        if (tlogs.GetArrayLength() == 0)
        {
            throw new FormatException("Trusted root lists no transparency-log key: there is nothing to verify against.");
        }

        var keys = new List<KeyRingEntry>();
        int index = 0;
        foreach (var tlog in tlogs.EnumerateArray())
        {
            keys.Add(ReadTlog(tlog, $"tlogs[{index++}]"));
        }

        try
        {
            return new TrustedKeys(keys);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Trusted root keys are not usable: {e.Message}", e);
        }
    }

    private static KeyRingEntry ReadTlog(JsonElement tlog, string where)
    {
        if (tlog.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Trusted root {where} must be a JSON object, not {tlog.ValueKind}.");
        }

        if (!tlog.TryGetProperty("publicKey", out var publicKey) || publicKey.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Trusted root {where} has no \"publicKey\" object.");
        }

        string keyDetails = RequiredString(publicKey, "keyDetails", $"{where}.publicKey");
        if (!string.Equals(keyDetails, "PKIX_ECDSA_P256_SHA_256", StringComparison.Ordinal))
        {
            throw new FormatException($"Trusted root {where}.publicKey.keyDetails is {keyDetails}; only PKIX_ECDSA_P256_SHA_256 keys are accepted.");
        }

        string raw = RequiredString(publicKey, "rawBytes", $"{where}.publicKey");
        if (!CanonicalBase64.TryDecode(raw, out byte[] spki) || spki.Length == 0)
        {
            throw new FormatException($"Trusted root {where}.publicKey.rawBytes is not standard padded base64.");
        }

        LedgerPublicKey key;
        try
        {
            key = LedgerPublicKey.FromSpki(spki);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Trusted root {where}.publicKey.rawBytes is not a P-256 public key: {e.Message}", e);
        }

        if (tlog.TryGetProperty("logId", out var logId))
        {
            string keyIdText = logId.ValueKind == JsonValueKind.Object ? RequiredString(logId, "keyId", $"{where}.logId") : string.Empty;
            if (!CanonicalBase64.TryDecode(keyIdText, out byte[] keyId) || !keyId.AsSpan().SequenceEqual(SHA256.HashData(spki)))
            {
                throw new FormatException($"Trusted root {where}.logId.keyId is not the SHA-256 of its public key.");
            }
        }

        if (!publicKey.TryGetProperty("validFor", out var validFor) || validFor.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"Trusted root {where}.publicKey has no \"validFor\" object.");
        }

        var start = ReadTimestamp(validFor, "start", $"{where}.publicKey.validFor")
            ?? throw new FormatException($"Trusted root {where}.publicKey.validFor has no \"start\".");
        var end = ReadTimestamp(validFor, "end", $"{where}.publicKey.validFor");
        if (end is { } until && until <= start)
        {
            throw new FormatException($"Trusted root {where}.publicKey.validFor ends ({Timestamp(until)}) no later than it starts ({Timestamp(start)}).");
        }

        return new KeyRingEntry(key, end is null ? KeyStatus.Active : KeyStatus.Retired, start, end);
    }

    private static DateTimeOffset? ReadTimestamp(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out _))
        {
            return null;
        }

        string text = RequiredString(parent, name, where);
        bool rfc3339 = text.Length >= 20 && text[10] == 'T' && (text.EndsWith('Z') || text[^6] is '+' or '-');
        if (!rfc3339 || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            throw new FormatException($"Trusted root {where}.{name} \"{text}\" is not an RFC 3339 timestamp.");
        }

        return instant.ToUniversalTime();
    }

    private static string RequiredString(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"Trusted root {where} has no \"{name}\" string.");
        }

        return value.GetString()!;
    }

    /// <summary>
    /// The keys, as <see cref="Read(ReadOnlySpan{byte})"/> reads them, and the log names (checkpoint origins) the trusted
    /// root vouches for: each tlog's <c>baseUrl</c> without its <c>https://</c>, as <see cref="Write"/> writes them. A
    /// checkpoint signed by a trusted key under another name belongs to another log that shares the key.
    /// </summary>
    /// <exception cref="FormatException">As for <see cref="Read(ReadOnlySpan{byte})"/>.</exception>
    public static (TrustedKeys Keys, IReadOnlySet<string> Origins) ReadWithOrigins(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), LedgerJson.StrictDocument);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Trusted root is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            return (ReadKeys(document.RootElement), OriginsOf(document.RootElement));
        }
    }

    private static HashSet<string> OriginsOf(JsonElement root)
    {
        var origins = new HashSet<string>(StringComparer.Ordinal);
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tlogs", out var tlogs) && tlogs.ValueKind == JsonValueKind.Array)
        {
            foreach (var tlog in tlogs.EnumerateArray())
            {
                if (tlog.ValueKind == JsonValueKind.Object && tlog.TryGetProperty("baseUrl", out var url) && url.ValueKind == JsonValueKind.String
                    && url.GetString() is { } text && text.StartsWith("https://", StringComparison.Ordinal))
                {
                    origins.Add(text["https://".Length..]);
                }
            }
        }

        return origins;
    }

    /// <summary>
    /// RFC 3339 UTC as protobuf JSON writes timestamps: whole seconds, or nine fractional digits. Validity windows keep
    /// their full precision: a window cut to the second would end before entries its key really signed.
    /// </summary>
    private static string Timestamp(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        return fraction == 0
            ? seconds + "Z"
            : seconds + "." + (fraction * 100).ToString("D9", CultureInfo.InvariantCulture) + "Z";
    }
}
