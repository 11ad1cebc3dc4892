using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Entries;

/// <summary>
/// The transparency-log leaf of an entry: a Rekor v2 <c>dsse</c> 0.0.2 body, byte-for-byte in the shape
/// Sigstore verifiers read as <c>canonicalizedBody</c>:
/// <c>{"apiVersion":"0.0.2","kind":"dsse","spec":{"dsseV002":{"payloadHash":{"algorithm":"SHA2_256","digest":...},
/// "signatures":[{"content":...,"verifier":{"publicKey":{"rawBytes":...},"keyDetails":"PKIX_ECDSA_P256_SHA_256"}}]}}}</c>.
/// </summary>
public static class LeafBody
{
    /// <exception cref="ArgumentException">The envelope does not carry exactly one signature.</exception>
    public static byte[] Build(DsseEnvelope envelope, LedgerPublicKey signer)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(signer);
        if (envelope.Signatures.Count != 1)
        {
            throw new ArgumentException(
                $"A ledger leaf describes exactly one signature; the envelope has {envelope.Signatures.Count}.",
                nameof(envelope));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, LedgerJson.Writer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", "0.0.2");
            writer.WriteString("kind", "dsse");
            writer.WriteStartObject("spec");
            writer.WriteStartObject("dsseV002");

            writer.WriteStartObject("payloadHash");
            writer.WriteString("algorithm", "SHA2_256");
            writer.WriteBase64String("digest", SHA256.HashData(envelope.Payload));
            writer.WriteEndObject();

            writer.WriteStartArray("signatures");
            writer.WriteStartObject();
            writer.WriteBase64String("content", envelope.Signatures[0].Sig);
            writer.WriteStartObject("verifier");
            writer.WriteStartObject("publicKey");
            writer.WriteBase64String("rawBytes", signer.SpkiDer);
            writer.WriteEndObject();
            writer.WriteString("keyDetails", "PKIX_ECDSA_P256_SHA_256");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Lowercase hex SHA-256 of the leaf bytes: the entry hash that the next entry of the stream links to.</summary>
    public static string Hash(ReadOnlySpan<byte> leafBytes) => Convert.ToHexStringLower(SHA256.HashData(leafBytes));
}
