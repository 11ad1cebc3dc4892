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

    /// <summary>RFC 3339 UTC with second precision, as protobuf JSON timestamps are written.</summary>
    private static string Timestamp(DateTimeOffset instant) =>
        instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
