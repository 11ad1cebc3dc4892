using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MlLedger.Integrity.Dsse;

/// <summary>One DSSE signature. <see cref="KeyId"/> is an unauthenticated hint that selects a key; nothing more.</summary>
public sealed record DsseSignature(string KeyId, byte[] Sig)
{
    public string KeyId { get; init; } = KeyId ?? throw new ArgumentNullException(nameof(KeyId));

    public byte[] Sig { get; init; } = Sig ?? throw new ArgumentNullException(nameof(Sig));
}

/// <summary>A DSSE v1 envelope. The payload bytes are the record; they are never re-serialised.</summary>
public sealed record DsseEnvelope(string PayloadType, byte[] Payload, IReadOnlyList<DsseSignature> Signatures)
{
    public string PayloadType { get; init; } = PayloadType ?? throw new ArgumentNullException(nameof(PayloadType));

    public byte[] Payload { get; init; } = Payload ?? throw new ArgumentNullException(nameof(Payload));

    public IReadOnlyList<DsseSignature> Signatures { get; init; } = Signatures ?? throw new ArgumentNullException(nameof(Signatures));

    /// <summary>
    /// Compact JSON: <c>{"payload":"&lt;b64&gt;","payloadType":"...","signatures":[{"keyid":"...","sig":"&lt;b64&gt;"}]}</c>,
    /// standard base64 with padding.
    /// </summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LedgerJson.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("payload", Convert.ToBase64String(Payload));
            writer.WriteString("payloadType", PayloadType);
            writer.WriteStartArray("signatures");
            foreach (var signature in Signatures)
            {
                writer.WriteStartObject();
                writer.WriteString("keyid", signature.KeyId);
                writer.WriteString("sig", Convert.ToBase64String(signature.Sig));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads a DSSE JSON envelope. Property order does not matter and unknown properties are ignored;
    /// <c>keyid</c> is optional (DSSE v1) and reads as "" when absent. Everything else is required.
    /// </summary>
    /// <exception cref="DsseFormatException">The text is not a well-formed DSSE envelope.</exception>
    public static DsseEnvelope Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, LedgerJson.StrictDocument);
        }
        catch (JsonException e)
        {
            throw new DsseFormatException($"DSSE envelope is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DsseFormatException($"DSSE envelope must be a JSON object, not {root.ValueKind}.");
            }

            byte[] payload = RequiredBase64(root, "payload", "envelope");
            string payloadType = RequiredString(root, "payloadType", "envelope");

            if (!root.TryGetProperty("signatures", out var signaturesElement))
            {
                throw new DsseFormatException("DSSE envelope has no \"signatures\" property.");
            }

            if (signaturesElement.ValueKind != JsonValueKind.Array)
            {
                throw new DsseFormatException($"DSSE envelope \"signatures\" must be an array, not {signaturesElement.ValueKind}.");
            }

            if (signaturesElement.GetArrayLength() == 0)
            {
                throw new DsseFormatException("DSSE envelope has no signatures.");
            }

            var signatures = new List<DsseSignature>(signaturesElement.GetArrayLength());
            int index = 0;
            foreach (var element in signaturesElement.EnumerateArray())
            {
                string where = $"signatures[{index}]";
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new DsseFormatException($"DSSE {where} must be a JSON object, not {element.ValueKind}.");
                }

                byte[] sig = RequiredBase64(element, "sig", where);
                string keyId = element.TryGetProperty("keyid", out _) ? RequiredString(element, "keyid", where) : string.Empty;

                signatures.Add(new DsseSignature(keyId, sig));
                index++;
            }

            return new DsseEnvelope(payloadType, payload, signatures);
        }
    }

    private static string RequiredString(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var element))
        {
            throw new DsseFormatException($"DSSE {where} has no \"{name}\" property.");
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new DsseFormatException($"DSSE {where}.{name} must be a string, not {element.ValueKind}.");
        }

        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            // A lone surrogate escape such as "\ud800" has no string value.
            throw new DsseFormatException($"DSSE {where}.{name} is not a valid string: {e.Message}", e);
        }
    }

    private static byte[] RequiredBase64(JsonElement parent, string name, string where)
    {
        string text = RequiredString(parent, name, where);
        if (!CanonicalBase64.TryDecode(text, out var bytes))
        {
            throw new DsseFormatException($"DSSE {where}.{name} is not standard padded base64.");
        }

        return bytes;
    }
}
