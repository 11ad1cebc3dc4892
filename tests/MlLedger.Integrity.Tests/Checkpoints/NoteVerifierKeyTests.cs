using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;
using Org.BouncyCastle.Crypto.Parameters;

namespace MlLedger.Integrity.Tests.Checkpoints;

public sealed class NoteVerifierKeyTests
{
    public static TheoryData<string> GoodKeys => NoteVectors.Rows(NoteVectors.VerifierKeys.Select(v => v.GetProperty("vkey").GetString()!));

    public static TheoryData<string> BadKeys => NoteVectors.Rows(NoteVectors.BadVerifierKeys.Select(v => v.GetProperty("why").GetString()!));

    [Fact]
    public void Vector_file_has_eight_keys_and_six_bad_ones()
    {
        Assert.Equal(8, NoteVectors.VerifierKeys.Count());
        Assert.Equal(6, NoteVectors.BadVerifierKeys.Count());
    }

    /// <summary>
    /// Name, type and key hash as the vector states them; the hash is recomputed here from each type's rule
    /// (type 0x01: SHA-256(name || '\n' || 0x01 || key); 0x02: SHA-256(SPKI); 0x05: SHA-256(name || '\n' || 0x05 || SHA-256(SPKI))).
    /// </summary>
    [Theory]
    [MemberData(nameof(GoodKeys))]
    public void Verifier_key_parses_with_its_name_hash_and_type(string vkey)
    {
        var vector = NoteVectors.VerifierKeys.Single(v => v.GetProperty("vkey").GetString() == vkey);
        string[] parts = vkey.Split('+', 3);
        byte[] typed = Convert.FromBase64String(parts[2]);
        byte type = byte.Parse(vector.GetProperty("type").GetString()![2..4], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        byte[] digest = type switch
        {
            0x01 => SHA256.HashData([.. Encoding.UTF8.GetBytes(parts[0]), 0x0a, .. typed]),
            0x02 => SHA256.HashData(typed.AsSpan(1)),
            0x05 => SHA256.HashData([.. Encoding.UTF8.GetBytes(parts[0]), 0x0a, 0x05, .. SHA256.HashData(typed.AsSpan(1))]),
            _ => throw new InvalidOperationException($"Vector type {type} has no rule here."),
        };

        var key = NoteVerifierKey.Parse(vkey);

        Assert.Equal(parts[0], key.Name);
        Assert.Equal(type, key.Type);
        Assert.Equal(typed[0], key.Type);
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(digest), key.KeyHash);
        Assert.Equal(parts[1], key.KeyHash.ToString("x8", CultureInfo.InvariantCulture));
        Assert.Equal(NoteVectors.OptionalString(vector, "keyId") ?? parts[1], parts[1]);
        Assert.Equal(vkey, key.ToVkey());
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void Bad_verifier_key_is_rejected(string why)
    {
        string vkey = NoteVectors.BadVerifierKeys.Single(v => v.GetProperty("why").GetString() == why).GetProperty("vkey").GetString()!;

        Assert.Throws<FormatException>(() => NoteVerifierKey.Parse(vkey));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "empty name")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "space in name")]
    [InlineData("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "seven hex digits")]
    [InlineData("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64 without padding")]
    [InlineData("PeterNeumann+c74f20a3+", "no key")]
    [InlineData("PeterNeumann+c74f20a3+AQ==", "type byte only")]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "hash off by one")]
    [InlineData("PeterNeumanN+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name changed, hash kept")]
    public void Further_malformed_verifier_keys_are_rejected(string vkey, string why)
    {
        Assert.NotEmpty(why);
        Assert.Throws<FormatException>(() => NoteVerifierKey.Parse(vkey));
    }

    [Fact]
    public void Key_built_from_the_log_public_key_is_the_published_vkey()
    {
        var key = NoteVerifierKey.ForEcdsa("mlledger.example/log", LedgerPublicKey.FromPem(VectorFiles.Text("log_public.pem")));

        Assert.Equal(VectorFiles.Text("log_vkey.txt").TrimEnd('\n'), key.ToVkey());
        Assert.Equal(NoteVerifierKey.EcdsaType, key.Type);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("has+plus")]
    [InlineData("tab\there")]
    public void Ecdsa_key_with_an_invalid_name_is_refused(string name)
    {
        using var signing = LedgerSigningKey.Generate();

        Assert.Throws<ArgumentException>(() => NoteVerifierKey.ForEcdsa(name, signing.PublicKey));
    }

    /// <summary>The transparency-dev logandmap vector ships its private seed: the public key it derives is the vkey's.</summary>
    [Fact]
    public void Logandmap_private_seed_derives_the_public_key_of_its_vkey()
    {
        var vector = NoteVectors.VerifierKeys.Single(v => v.GetProperty("vkey").GetString()!.StartsWith("logandmap+", StringComparison.Ordinal));
        byte[] seed = Convert.FromBase64String(vector.GetProperty("skey").GetString()!.Split('+', 5)[4]);
        byte[] publicKey = new Ed25519PrivateKeyParameters(seed, 1).GeneratePublicKey().GetEncoded();

        var key = NoteVerifierKey.Parse(vector.GetProperty("vkey").GetString()!);

        Assert.Equal(key.ToVkey().Split('+', 3)[2], Convert.ToBase64String([0x01, .. publicKey]));
    }
}
