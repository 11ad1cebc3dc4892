using System.Security.Cryptography;

namespace MlLedger.Integrity.Signing;

/// <summary>
/// An ECDSA P-256 public key, held as its canonical SubjectPublicKeyInfo DER (named curve, uncompressed
/// point), so that one key has exactly one key id.
/// </summary>
public sealed class LedgerPublicKey
{
    private const string PemLabel = "PUBLIC KEY";

    /// <summary>Imported keys a thread keeps for verification, by key id; emptied when it grows past this.</summary>
    private const int VerifiersPerThread = 64;

    /// <summary>
    /// Imported keys, per thread: importing an SPKI costs more than a verification, and one ECDsa object is not
    /// meant to be shared between threads.
    /// </summary>
    [ThreadStatic]
    private static Dictionary<string, ECDsa>? t_verifiers;

    private readonly byte[] _spkiDer;

    private LedgerPublicKey(byte[] spkiDer)
    {
        _spkiDer = spkiDer;
        KeyId = KeyIds.FromSpki(spkiDer);
        Pem = PemEncoding.WriteString(PemLabel, spkiDer) + "\n";
    }

    public string KeyId { get; }

    /// <summary>A copy of the SPKI DER.</summary>
    public byte[] SpkiDer => (byte[])_spkiDer.Clone();

    /// <summary><c>-----BEGIN PUBLIC KEY-----</c> ... with a trailing newline.</summary>
    public string Pem { get; }

    /// <exception cref="ArgumentException">Not a single "PUBLIC KEY" PEM holding a P-256 key.</exception>
    public static LedgerPublicKey FromPem(string pem)
    {
        byte[] der = P256.ReadPem(pem, [PemLabel], out _, nameof(pem));
        return FromSpki(der);
    }

    /// <exception cref="ArgumentException">Not the canonical DER SPKI of an EC P-256 key.</exception>
    public static LedgerPublicKey FromSpki(ReadOnlySpan<byte> spkiDer)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(spkiDer, out int read);
            if (read != spkiDer.Length)
            {
                throw new ArgumentException($"SPKI DER has {spkiDer.Length - read} trailing bytes.", nameof(spkiDer));
            }
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"Not an EC public key (SPKI DER): {e.Message}", nameof(spkiDer), e);
        }

        P256.RequireCurve(key, nameof(spkiDer));

        byte[] canonical = key.ExportSubjectPublicKeyInfo();
        if (!spkiDer.SequenceEqual(canonical))
        {
            throw new ArgumentException(
                "SPKI DER is not in canonical form (named curve P-256, uncompressed point); key ids would be ambiguous.",
                nameof(spkiDer));
        }

        return new LedgerPublicKey(canonical);
    }

    internal static LedgerPublicKey FromKey(ECDsa key) => new(key.ExportSubjectPublicKeyInfo());

    /// <summary>
    /// ECDSA P-256 / SHA-256 verification of an ASN.1 DER (RFC 3279) signature over <paramref name="data"/>.
    /// Returns false, never throws, for a signature that is not in the one strict form of <see cref="P256DerSignature"/>.
    /// </summary>
    public bool VerifyDer(ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature) =>
        VerifyDer(Verifier(), data, derSignature);

    private ECDsa Verifier()
    {
        var verifiers = t_verifiers ??= new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        if (verifiers.TryGetValue(KeyId, out var key))
        {
            return key;
        }

        if (verifiers.Count >= VerifiersPerThread)
        {
            foreach (var old in verifiers.Values)
            {
                old.Dispose();
            }

            verifiers.Clear();
        }

        key = CreateEcdsa();
        verifiers[KeyId] = key;
        return key;
    }

    /// <summary>A new ECDSA object holding this public key, for callers that verify many signatures with one key.</summary>
    internal ECDsa CreateEcdsa()
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_spkiDer, out _);
        return key;
    }

    /// <summary>As <see cref="VerifyDer(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with a key made by <see cref="CreateEcdsa"/>.</summary>
    internal static bool VerifyDer(ECDsa key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> derSignature)
    {
        // the one encoding rule, before the curve arithmetic: .NET would also read looser forms
        if (!P256DerSignature.IsStrict(derSignature))
        {
            return false;
        }

        try
        {
            return key.VerifyData(data, derSignature, P256.Hash, P256.SignatureFormat);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public override string ToString() => $"P-256 key {KeyId}";
}
