using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MlLedger.Integrity.Checkpoints;
using MlLedger.Integrity.Signing;
using MlLedger.Integrity.Tests.Signing;

namespace MlLedger.Integrity.Tests.Checkpoints;

/// <summary>
/// Type 0x05 (static-ct-api) note signatures, built here by hand from RFC 6962 section 3.5: the note signature is
/// timestamp || DigitallySigned(SHA-256, ECDSA) over version 0 || tree_hash 1 || timestamp || size || root.
/// </summary>
public sealed class TreeHeadSignatureTests : IDisposable
{
    private const string Log = "ct.example/logs/test";
    private const ulong Timestamp = 1_700_000_000_123;

    private static readonly byte[] Root = SHA256.HashData("root"u8);

    private readonly LedgerSigningKey _log = LedgerSigningKey.Generate();

    public static TheoryData<string> DerFormsOfTheSignature => DerForms.Rows;

    public void Dispose() => _log.Dispose();

    [Fact]
    public void Tree_head_signature_verifies_under_its_vkey()
    {
        var key = NoteVerifierKey.Parse(Vkey());

        Assert.Equal(NoteVerifierKey.Rfc6962TreeHeadType, key.Type);
        Assert.True(key.Verify(Body(Log, 7), Sign(7, Timestamp)));
        Assert.Equal([Log], Notes.Open(Note(Body(Log, 7), key, Sign(7, Timestamp)), [key]).VerifiedNames);
    }

    [Theory]
    [InlineData("other-size")]
    [InlineData("other-timestamp")]
    [InlineData("other-origin")]
    [InlineData("extension-line")]
    [InlineData("wrong-hash-algorithm")]
    [InlineData("wrong-length")]
    public void Tampered_tree_head_signature_fails(string corruption)
    {
        var key = NoteVerifierKey.Parse(Vkey());
        byte[] signature = Sign(7, Timestamp);
        string body = Body(Log, 7);
        switch (corruption)
        {
            case "other-size": body = Body(Log, 8); break;
            case "other-timestamp": BinaryPrimitives.WriteUInt64BigEndian(signature, Timestamp + 1); break;
            case "other-origin": body = Body("ct.example/logs/other", 7); break;
            case "extension-line": body += "ext\n"; break;
            case "wrong-hash-algorithm": signature[8] = 5; break;
            case "wrong-length": signature[11]++; break;
            default: throw new ArgumentOutOfRangeException(nameof(corruption));
        }

        Assert.True(key.Verify(Body(Log, 7), Sign(7, Timestamp)));
        Assert.False(key.Verify(body, signature));
    }

    /// <summary>The log's own DER signature inside the tree-head signature, re-encoded (tcId 6's transformation and its relatives).</summary>
    [Theory]
    [MemberData(nameof(DerFormsOfTheSignature))]
    public void Tree_head_signature_in_another_DER_form_fails(string form)
    {
        var key = NoteVerifierKey.Parse(Vkey());
        byte[] strict = DerForms.SignWithHighS(_log, Signed(7, Timestamp));

        Assert.True(key.Verify(Body(Log, 7), Wrap(Timestamp, strict)));
        Assert.False(key.Verify(Body(Log, 7), Wrap(Timestamp, DerForms.Apply(form, strict))));
    }

    private static string Body(string origin, long size) => $"{origin}\n{size}\n{Convert.ToBase64String(Root)}\n";

    private static string Note(string body, NoteVerifierKey key, byte[] signature) =>
        new SignedNote(body, [new NoteSignature(key.Name, key.KeyHash, signature)]).Serialize();

    private string Vkey()
    {
        byte[] spki = _log.PublicKey.SpkiDer;
        byte[] hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(Log), 0x0a, 0x05, .. SHA256.HashData(spki)]);
        return $"{Log}+{Convert.ToHexStringLower(hash[..4])}+{Convert.ToBase64String([0x05, .. spki])}";
    }

    private byte[] Sign(ulong size, ulong timestamp) => Wrap(timestamp, _log.SignDer(Signed(size, timestamp)));

    /// <summary>version 0 || tree_hash 1 || timestamp || size || root.</summary>
    private static byte[] Signed(ulong size, ulong timestamp)
    {
        var signed = new byte[50];
        signed[1] = 1;
        BinaryPrimitives.WriteUInt64BigEndian(signed.AsSpan(2), timestamp);
        BinaryPrimitives.WriteUInt64BigEndian(signed.AsSpan(10), size);
        Root.CopyTo(signed, 18);
        return signed;
    }

    /// <summary>timestamp || DigitallySigned { SHA-256, ECDSA, length, DER }.</summary>
    private static byte[] Wrap(ulong timestamp, byte[] der)
    {
        var signature = new byte[12 + der.Length];
        BinaryPrimitives.WriteUInt64BigEndian(signature, timestamp);
        signature[8] = 4;
        signature[9] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(signature.AsSpan(10), (ushort)der.Length);
        der.CopyTo(signature, 12);
        return signature;
    }
}
