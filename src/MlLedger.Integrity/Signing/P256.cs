using System.Security.Cryptography;

namespace MlLedger.Integrity.Signing;

/// <summary>The one curve the ledger signs with, and the PEM plumbing shared by the key types.</summary>
internal static class P256
{
    private const string NistP256Oid = "1.2.840.10045.3.1.7";

    public static HashAlgorithmName Hash => HashAlgorithmName.SHA256;

    public static DSASignatureFormat SignatureFormat => DSASignatureFormat.Rfc3279DerSequence;

    /// <summary>Throws unless <paramref name="key"/> is on the named curve NIST P-256.</summary>
    public static void RequireCurve(ECDsa key, string paramName)
    {
        var curve = key.ExportParameters(includePrivateParameters: false).Curve;
        bool isP256 = curve.IsNamed
            && (string.Equals(curve.Oid.Value, NistP256Oid, StringComparison.Ordinal)
                || string.Equals(curve.Oid.FriendlyName, ECCurve.NamedCurves.nistP256.Oid.FriendlyName, StringComparison.Ordinal));
        if (!isP256)
        {
            string name = curve.IsNamed ? curve.Oid.FriendlyName ?? curve.Oid.Value ?? "unnamed" : "explicit parameters";
            throw new ArgumentException($"The ledger only uses ECDSA P-256 keys; this key is on curve '{name}'.", paramName);
        }
    }

    /// <summary>Finds the first PEM block, checks its label and returns the decoded DER.</summary>
    public static byte[] ReadPem(string pem, IReadOnlyCollection<string> acceptedLabels, out string label, string paramName)
    {
        ArgumentNullException.ThrowIfNull(pem, paramName);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new ArgumentException("No PEM block found (expected \"-----BEGIN ...-----\").", paramName);
        }

        label = pem[fields.Label];
        if (!acceptedLabels.Contains(label, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"PEM label is \"{label}\"; expected {string.Join(" or ", acceptedLabels.Select(l => $"\"{l}\""))}.",
                paramName);
        }

        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}
