using System.Globalization;
using System.Text.Json;
using MlLedger.Integrity.Audit;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Merkle;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Bundles;

/// <summary>The outcome of verifying a single-entry Sigstore bundle; valid only when no check failed.</summary>
public sealed record SigstoreBundleVerification(
    bool IsValid, long LogIndex, long TreeSize, string? Origin, string? RootHash, IReadOnlyList<AuditFailure> Failures);

/// <summary>
/// Verifies a Sigstore bundle v0.3 of one ledger entry offline: the DSSE signature under the trusted key the
/// public-key hint names, the leaf rebuilt from the envelope against <c>canonicalizedBody</c>, the signing key's
/// validity window at the entry's occurredAt (when the payload has a ledger predicate), the checkpoint's signature, and the inclusion proof against the checkpoint's root.
/// </summary>
public static class SigstoreBundleVerifier
{
    public const string LeafMismatch = "leaf-mismatch";
    public const string InclusionFailed = "inclusion-failed";

    /// <exception cref="FormatException">The bytes are not a Sigstore bundle v0.3 with one transparency-log entry.</exception>
    public static SigstoreBundleVerification Verify(ReadOnlySpan<byte> json, TrustedKeys trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        Parsed bundle;
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), LedgerJson.StrictDocument);
            bundle = Parse(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or DsseFormatException)
        {
            throw new FormatException($"Not a Sigstore bundle v0.3 of a ledger entry: {e.Message}", e);
        }

        var failures = new List<AuditFailure>();
        void Fail(string code, string message) => failures.Add(new AuditFailure(code, message, bundle.LogIndex));

        var signer = trusted.Find(bundle.Hint) ?? (CanonicalBase64.TryDecode(bundle.Hint, out byte[] id) ? trusted.Find(Convert.ToHexStringLower(id)) : null);
        if (signer is null)
        {
            Fail(EntryFailureCodes.UnknownKey, $"The public-key hint '{bundle.Hint}' names no trusted key.");
        }
        else
        {
            var envelope = bundle.Envelope;
            if (envelope.Signatures.Count != 1 || !Pae.TryEncode(envelope.PayloadType, envelope.Payload, out byte[] pae)
                || !signer.Key.VerifyDer(pae, envelope.Signatures[0].Sig))
            {
                string? defect = envelope.Signatures.Count == 1 ? P256DerSignature.FindDefect(envelope.Signatures[0].Sig) : null;
                Fail(EntryFailureCodes.BadSignature, defect is null
                    ? $"The envelope does not carry exactly one signature that verifies under key {signer.Key.KeyId}."
                    : $"The envelope's signature is not in the one DER form a P-256 signature may take: {defect}.");
            }
            else if (!LeafBody.Build(envelope, signer.Key).AsSpan().SequenceEqual(bundle.Body))
            {
                Fail(LeafMismatch, "The leaf rebuilt from the envelope and the key is not the bundle's canonicalizedBody.");
            }

            // a ledger entry states its time, against which the key's window is checked; a statement that is not a
            // ledger entry has no such time, so it is refused rather than accepted on its signature alone
            var entryFailures = new List<EntryFailure>();
            var predicate = EntryChecker.ReadPredicate(EventTypeOf(envelope), envelope, entryFailures);
            EntryChecker.CheckKeyWindow(signer, predicate, entryFailures);
            entryFailures.ForEach(f => Fail(f.Code, f.Message));
        }

        Checkpoint? checkpoint = null;
        try
        {
            string origin = Checkpoint.Parse(SignedNote.Parse(bundle.Checkpoint).Text).Origin;
            checkpoint = CheckpointNotes.Verify(bundle.Checkpoint, origin, trusted.All.Select(k => k.Key));
        }
        catch (Exception e) when (e is NoteVerificationException or FormatException or ArgumentException)
        {
            Fail(AuditFailureCodes.CheckpointUnverified, $"The checkpoint does not verify under a trusted key: {e.Message}");
        }

        if (checkpoint is not null)
        {
            if (checkpoint.Size != bundle.TreeSize || !checkpoint.RootHash.AsSpan().SequenceEqual(bundle.RootHash))
            {
                Fail(AuditFailureCodes.CheckpointSize, $"The inclusion proof is for size {bundle.TreeSize}, root {Convert.ToHexStringLower(bundle.RootHash)}; "
                    + $"the checkpoint has size {checkpoint.Size}, root {Convert.ToHexStringLower(checkpoint.RootHash)}.");
            }

            try
            {
                MerkleVerifier.VerifyInclusion(bundle.LogIndex, checkpoint.Size, MerkleHash.Leaf(bundle.Body), bundle.Hashes, checkpoint.RootHash);
            }
            catch (MerkleProofException e)
            {
                Fail(InclusionFailed, $"The inclusion proof does not hold ({e.Error}): {e.Message}");
            }
        }

        return new SigstoreBundleVerification(
            failures.Count == 0, bundle.LogIndex, bundle.TreeSize, checkpoint?.Origin,
            checkpoint is null ? null : Convert.ToHexStringLower(checkpoint.RootHash), failures.AsReadOnly());
    }

    private static string EventTypeOf(DsseEnvelope envelope)
    {
        // the bundle has no stored event type: take the signed one, so only the statement and the window are checked
        try
        {
            var statement = Statements.InTotoStatement.Parse(envelope.Payload);
            return statement.Predicate["eventType"]?.GetValue<string>() ?? string.Empty;
        }
        catch (Exception e) when (e is Statements.StatementFormatException or InvalidOperationException or FormatException)
        {
            return string.Empty;
        }
    }

    private static Parsed Parse(JsonElement root)
    {
        if (root.GetProperty("mediaType").GetString() != SigstoreBundle.MediaType)
        {
            throw new FormatException($"mediaType is not {SigstoreBundle.MediaType}.");
        }

        var material = root.GetProperty("verificationMaterial");
        string hint = material.GetProperty("publicKey").GetProperty("hint").GetString() ?? string.Empty;
        var tlogs = material.GetProperty("tlogEntries");
        if (tlogs.GetArrayLength() != 1)
        {
            throw new FormatException($"Expected one tlogEntries item, found {tlogs.GetArrayLength()}.");
        }

        var tlog = tlogs[0];
        var proof = tlog.GetProperty("inclusionProof");
        long logIndex = Int(proof, "logIndex");
        if (Int(tlog, "logIndex") != logIndex)
        {
            throw new FormatException("tlogEntries[0].logIndex differs from its inclusion proof's.");
        }

        return new Parsed(
            hint,
            DsseEnvelope.Parse(root.GetProperty("dsseEnvelope").GetRawText()),
            logIndex,
            Int(proof, "treeSize"),
            Base64(proof.GetProperty("rootHash")),
            [.. proof.GetProperty("hashes").EnumerateArray().Select(Base64)],
            proof.GetProperty("checkpoint").GetProperty("envelope").GetString() ?? string.Empty,
            Base64(tlog.GetProperty("canonicalizedBody")));
    }

    private static long Int(JsonElement parent, string name) =>
        long.TryParse(parent.GetProperty(name).GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new FormatException($"{name} is not a decimal string.");

    private static byte[] Base64(JsonElement value) =>
        CanonicalBase64.TryDecode(value.GetString() ?? string.Empty, out byte[] bytes) ? bytes : throw new FormatException("A value is not standard base64.");

    private sealed record Parsed(
        string Hint, DsseEnvelope Envelope, long LogIndex, long TreeSize, byte[] RootHash, IReadOnlyList<byte[]> Hashes, string Checkpoint, byte[] Body);
}
