using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MlLedger.Integrity.Dsse;

namespace MlLedger.Integrity.Bundles;

/// <summary>
/// What the transparency log says about one entry: its position, the log key that signed the checkpoint, the
/// leaf bytes (<c>canonicalizedBody</c>) and the inclusion proof up to that checkpoint.
/// </summary>
/// <param name="LogKeyId">SHA-256 of the checkpoint signer's SPKI DER (Sigstore's log id).</param>
/// <param name="Hashes">The audit path, leaf sibling first.</param>
/// <param name="Checkpoint">The signed note of the checkpoint at <paramref name="TreeSize"/>.</param>
public sealed record TlogEntry(
    long LogIndex, byte[] LogKeyId, byte[] CanonicalizedBody, long TreeSize, byte[] RootHash, IReadOnlyList<byte[]> Hashes, string Checkpoint);

/// <summary>
/// A Sigstore bundle v0.3 (protobuf-specs JSON form) of one ledger entry: the public-key hint of the ledger key
/// that signed the DSSE envelope, the envelope, and one <c>dsse</c> 0.0.2 transparency-log entry with its
/// inclusion proof and checkpoint — verifiable by independent Sigstore verifiers given the ledger's trusted root
/// and public key.
/// </summary>
public static class SigstoreBundle
{
    public const string MediaType = "application/vnd.dev.sigstore.bundle.v0.3+json";

    public static byte[] Write(DsseEnvelope envelope, string publicKeyHint, TlogEntry tlog)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentException.ThrowIfNullOrEmpty(publicKeyHint);
        ArgumentNullException.ThrowIfNull(tlog);

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = LedgerJson.Writer.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("mediaType", MediaType);

            writer.WriteStartObject("verificationMaterial");
            writer.WriteStartObject("publicKey");
            writer.WriteString("hint", publicKeyHint);
            writer.WriteEndObject();
            writer.WriteStartArray("tlogEntries");
            WriteTlogEntry(writer, tlog);
            writer.WriteEndArray();
            writer.WriteEndObject();

            writer.WriteStartObject("dsseEnvelope");
            writer.WriteBase64String("payload", envelope.Payload);
            writer.WriteString("payloadType", envelope.PayloadType);
            writer.WriteStartArray("signatures");
            foreach (var signature in envelope.Signatures)
            {
                writer.WriteStartObject();
                writer.WriteBase64String("sig", signature.Sig);
                writer.WriteString("keyid", signature.KeyId);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTlogEntry(Utf8JsonWriter writer, TlogEntry tlog)
    {
        // protobuf JSON writes int64 as strings
        string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        writer.WriteStartObject();
        writer.WriteString("logIndex", Int(tlog.LogIndex));
        writer.WriteStartObject("logId");
        writer.WriteBase64String("keyId", tlog.LogKeyId);
        writer.WriteEndObject();
        writer.WriteStartObject("kindVersion");
        writer.WriteString("kind", "dsse");
        writer.WriteString("version", "0.0.2");
        writer.WriteEndObject();
        writer.WriteString("integratedTime", "0"); // a Rekor-v2-style log: time comes from elsewhere, not from the log
        writer.WriteStartObject("inclusionProof");
        writer.WriteString("logIndex", Int(tlog.LogIndex));
        writer.WriteBase64String("rootHash", tlog.RootHash);
        writer.WriteString("treeSize", Int(tlog.TreeSize));
        writer.WriteStartArray("hashes");
        foreach (var hash in tlog.Hashes)
        {
            writer.WriteBase64StringValue(hash);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("checkpoint");
        writer.WriteString("envelope", tlog.Checkpoint);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteBase64String("canonicalizedBody", tlog.CanonicalizedBody);
        writer.WriteEndObject();
    }
}
