using System.Security.Cryptography;

namespace MlLedger.Integrity.Signing;

/// <summary>An ECDSA P-256 private key. Signatures are SHA-256, ASN.1 DER (RFC 3279).</summary>
public sealed class LedgerSigningKey : IDisposable
{
    private const string Pkcs8Label = "PRIVATE KEY";
    private const string Sec1Label = "EC PRIVATE KEY";

    private readonly ECDsa _key;
    private bool _disposed;

    private LedgerSigningKey(ECDsa key)
    {
        _key = key;
        PublicKey = LedgerPublicKey.FromKey(key);
    }

    public string KeyId => PublicKey.KeyId;

    public LedgerPublicKey PublicKey { get; }

    /// <summary>A fresh random P-256 key.</summary>
    public static LedgerSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Reads a PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY" PEM holding a P-256 key.</summary>
    /// <exception cref="ArgumentException">Not such a PEM (encrypted keys are refused).</exception>
    public static LedgerSigningKey FromPem(string pem)
    {
        byte[] der = P256.ReadPem(pem, [Pkcs8Label, Sec1Label], out string label, nameof(pem));

        var key = ECDsa.Create();
        try
        {
            int read;
            if (string.Equals(label, Pkcs8Label, StringComparison.Ordinal))
            {
                key.ImportPkcs8PrivateKey(der, out read);
            }
            else
            {
                key.ImportECPrivateKey(der, out read);
            }

            if (read != der.Length)
            {
                throw new ArgumentException($"\"{label}\" DER has {der.Length - read} trailing bytes.", nameof(pem));
            }

            P256.RequireCurve(key, nameof(pem));
            return new LedgerSigningKey(key);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new ArgumentException($"\"{label}\" PEM does not hold an EC private key: {e.Message}", nameof(pem), e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>PKCS#8 "PRIVATE KEY" PEM with a trailing newline.</summary>
    public string ExportPkcs8Pem()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PemEncoding.WriteString(Pkcs8Label, _key.ExportPkcs8PrivateKey()) + "\n";
    }

    /// <summary>
    /// ECDSA P-256 / SHA-256 over <paramref name="data"/>, in the strict DER form of <see cref="P256DerSignature"/>.
    /// Randomised (not RFC 6979).
    /// </summary>
    /// <exception cref="CryptographicException">The platform produced a signature the ledger's own verifier would refuse.</exception>
    public byte[] SignDer(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        byte[] signature = _key.SignData(data, P256.Hash, P256.SignatureFormat);

        // nothing is sealed that a verifier would refuse, whatever the platform's encoder does
        if (P256DerSignature.FindDefect(signature) is { } defect)
        {
            throw new CryptographicException($"The platform's ECDSA signer produced a signature that is not strict DER: {defect}.");
        }

        return signature;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _key.Dispose();
    }

    public override string ToString() => $"P-256 signing key {KeyId}";
}
