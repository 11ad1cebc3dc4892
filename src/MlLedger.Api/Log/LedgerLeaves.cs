using MlLedger.Api.Ledger;
using MlLedger.Integrity.Dsse;
using MlLedger.Integrity.Entries;
using MlLedger.Integrity.Signing;

namespace MlLedger.Api.Log;

/// <summary>
/// The leaf of a stored entry, rebuilt from its signed envelope after checking that a ledger key signed it — the one
/// way the sequencer, the checkpoint issuer and the self-check turn an entry into a leaf. Stored hashes are never used.
/// </summary>
internal static class LedgerLeaves
{
    /// <summary>
    /// The leaf bytes, or null with the reason the entry cannot be a leaf of this ledger's log. Without
    /// <paramref name="verifySignature"/> the signer is still looked up but its signature is left to a check that follows.
    /// </summary>
    public static byte[]? Rebuild(TrustedKeys trusted, string? envelopeJson, out string why, bool verifySignature = true)
    {
        DsseEnvelope? envelope;
        try
        {
            envelope = EntryHeaders.ParseEnvelope(envelopeJson);
        }
        catch (FormatException e)
        {
            why = $"its envelope cannot be read ({e.Message})";
            return null;
        }

        return Rebuild(trusted, envelope, out why, verifySignature);
    }

    public static byte[]? Rebuild(TrustedKeys trusted, DsseEnvelope? envelope, out string why, bool verifySignature = true)
    {
        why = "";
        if (envelope is not { Signatures.Count: 1 })
        {
            why = "it has no envelope with exactly one signature";
            return null;
        }

        var signature = envelope.Signatures[0];
        if (trusted.Find(signature.KeyId) is not { } key)
        {
            why = $"key {signature.KeyId} is not a ledger key";
            return null;
        }

        if (verifySignature && (!Pae.TryEncode(envelope.PayloadType, envelope.Payload, out var pae) || !key.Key.VerifyDer(pae, signature.Sig)))
        {
            why = P256DerSignature.FindDefect(signature.Sig) is { } defect
                ? $"its signature is not in the one DER form a P-256 signature may take ({defect})"
                : $"its signature does not verify under key {signature.KeyId}";
            return null;
        }

        return LeafBody.Build(envelope, key.Key);
    }
}
