using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MlLedger.Integrity.Signing;

namespace MlLedger.Integrity.Checkpoints;

/// <summary>
/// A note verifier key, <c>name+hash+base64(type || key)</c>. Types:
/// 0x01 Ed25519 (hash = SHA-256(name || '\n' || 0x01 || key)[:4]);
/// 0x02 ECDSA P-256 / SHA-256 with an SPKI DER key, as Rekor and transparency-dev use it (hash = SHA-256(SPKI)[:4]);
/// 0x05 RFC 6962 tree-head signatures of static-ct-api logs (hash = SHA-256(name || '\n' || 0x05 || SHA-256(SPKI))[:4]).
/// </summary>
public sealed class NoteVerifierKey
{
    public const byte Ed25519Type = 0x01;
    public const byte EcdsaType = 0x02;
    public const byte Rfc6962TreeHeadType = 0x05;

    private readonly byte[] _key;
    private readonly Func<string, byte[], bool> _verify;

    private NoteVerifierKey(string name, uint keyHash, byte type, byte[] key, Func<string, byte[], bool> verify)
    {
        Name = name;
        KeyHash = keyHash;
        Type = type;
        _key = key;
        _verify = verify;
    }

    public string Name { get; }

    public uint KeyHash { get; }

    public byte Type { get; }

    /// <exception cref="FormatException">
    /// Not three '+'-separated parts; an invalid name; a hash that is not 8 hex digits or does not match the key;
    /// non-canonical base64; an unknown type; or a key of the wrong length or curve.
    /// </exception>
    public static NoteVerifierKey Parse(string vkey)
    {
        ArgumentNullException.ThrowIfNull(vkey);
        string[] parts = vkey.Split('+', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("Verifier key is not name+hash+key.");
        }

        (string name, string hex, string base64) = (parts[0], parts[1], parts[2]);
        if (!NoteSyntax.IsValidName(name))
        {
            throw new FormatException($"Verifier key name \"{name}\" is empty or contains white space or '+'.");
        }

        if (hex.Length != 8 || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint hash))
        {
            throw new FormatException($"Verifier key hash \"{hex}\" is not 8 hex digits.");
        }

        if (!CanonicalBase64.TryDecode(base64, out byte[] typed) || typed.Length < 2)
        {
            throw new FormatException("Verifier key material is not standard base64 of a type byte and a key.");
        }

        var key = Create(name, typed[0], typed[1..]);
        if (key.KeyHash != hash)
        {
            throw new FormatException($"Verifier key hash {hex} does not match the key (expected {key.KeyHash:x8}).");
        }

        return key;
    }

    /// <summary>The type 0x02 verifier key of a ledger ECDSA key under the note name <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid note key name.</exception>
    public static NoteVerifierKey ForEcdsa(string name, LedgerPublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!NoteSyntax.IsValidName(name))
        {
            throw new ArgumentException($"\"{name}\" is not a valid note key name (non-empty, no white space, no '+').", nameof(name));
        }

        return Ecdsa(name, key);
    }

    /// <summary><c>name+hash+base64(type || key)</c>, hash in lowercase hex.</summary>
    public string ToVkey() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}+{KeyHash:x8}+{Convert.ToBase64String([Type, .. _key])}");

    /// <summary>
    /// Checks <paramref name="signature"/> (the bytes after the key hash) over <paramref name="text"/>.
    /// Returns false, never throws, for a malformed signature.
    /// </summary>
    public bool Verify(string text, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _verify(text, signature.ToArray());
    }

    public override string ToString() => ToVkey();

    internal static uint HashOf(ReadOnlySpan<byte> digest) => BinaryPrimitives.ReadUInt32BigEndian(digest);

    /// <summary>SHA-256(name || '\n' || material)[:4], the C2SP key hash.</summary>
    internal static uint NamedHash(string name, ReadOnlySpan<byte> material) =>
        HashOf(SHA256.HashData([.. Encoding.UTF8.GetBytes(name), (byte)'\n', .. material]));

    private static NoteVerifierKey Create(string name, byte type, byte[] key)
    {
        switch (type)
        {
            case Ed25519Type:
                if (key.Length != Ed25519Signatures.PublicKeySize)
                {
                    throw new FormatException($"Ed25519 verifier key has {key.Length} bytes; expected {Ed25519Signatures.PublicKeySize}.");
                }

                return new NoteVerifierKey(
                    name, NamedHash(name, [type, .. key]), type, key, (text, sig) => Ed25519Signatures.Verify(key, Encoding.UTF8.GetBytes(text), sig));
            case EcdsaType:
                return Ecdsa(name, ReadSpki(key));
            case Rfc6962TreeHeadType:
                var log = ReadSpki(key);
                return new NoteVerifierKey(
                    name,
                    NamedHash(name, [type, .. SHA256.HashData(key)]),
                    type,
                    key,
                    (text, sig) => TreeHeadSignature.Verify(name, log, text, sig));
            default:
                throw new FormatException($"Verifier key type 0x{type:x2} is not supported.");
        }
    }

    private static NoteVerifierKey Ecdsa(string name, LedgerPublicKey key)
    {
        byte[] spki = key.SpkiDer;
        return new NoteVerifierKey(name, HashOf(SHA256.HashData(spki)), EcdsaType, spki, (text, sig) => key.VerifyDer(Encoding.UTF8.GetBytes(text), sig));
    }

    private static LedgerPublicKey ReadSpki(byte[] spki)
    {
        try
        {
            return LedgerPublicKey.FromSpki(spki);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Verifier key is not an ECDSA P-256 SPKI: {e.Message}", e);
        }
    }
}
