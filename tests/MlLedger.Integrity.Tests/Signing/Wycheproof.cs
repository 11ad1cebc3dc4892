using System.Text.Json;

namespace MlLedger.Integrity.Tests.Signing;

/// <summary>One Wycheproof verification case with the public key of its test group.</summary>
internal sealed record WycheproofCase(int TcId, string Comment, IReadOnlyList<string> Flags, byte[] PublicKey, byte[] Msg, byte[] Sig, string Result)
{
    /// <summary>
    /// Whether the verifier must accept the case. "acceptable" cases (legacy or debatable encodings; none are in
    /// the files copied today) must be refused: the ledger's rule is one byte form per signature, so anything
    /// Wycheproof merely tolerates is refused here.
    /// </summary>
    public bool MustVerify => Result switch
    {
        "valid" => true,
        "invalid" or "acceptable" => false,
        _ => throw new InvalidOperationException($"tcId {TcId} has an unknown result '{Result}'."),
    };
}

/// <summary>
/// The Wycheproof files in Vectors/ (C2SP/wycheproof testvectors_v1; see Vectors/README.md): every case of every
/// test group, with the group's public key (the SPKI DER for ECDSA, the raw 32 bytes for Ed25519).
/// </summary>
internal static class Wycheproof
{
    public const string EcdsaP256Sha256File = "ecdsa_secp256r1_sha256_test.json";
    public const string Ed25519File = "ed25519_test.json";

    private static readonly Lazy<IReadOnlyDictionary<int, WycheproofCase>> s_ecdsa = new(() => Load(EcdsaP256Sha256File, PublicKeyDer));
    private static readonly Lazy<IReadOnlyDictionary<int, WycheproofCase>> s_ed25519 = new(() => Load(Ed25519File, RawEd25519Key));

    public static IReadOnlyDictionary<int, WycheproofCase> EcdsaP256Sha256 => s_ecdsa.Value;

    public static IReadOnlyDictionary<int, WycheproofCase> Ed25519 => s_ed25519.Value;

    /// <summary>The file's own count of its cases.</summary>
    public static int NumberOfTests(string file) => VectorFiles.Json(file).GetProperty("numberOfTests").GetInt32();

    public static TheoryData<int, string> Rows(IReadOnlyDictionary<int, WycheproofCase> cases)
    {
        var rows = new TheoryData<int, string>();
        foreach (var c in cases.Values.OrderBy(c => c.TcId))
        {
            rows.Add(c.TcId, $"{c.Result}: {(c.Comment.Length > 0 ? c.Comment : string.Join(",", c.Flags))}");
        }

        return rows;
    }

    private static byte[] PublicKeyDer(JsonElement group) => Convert.FromHexString(group.GetProperty("publicKeyDer").GetString()!);

    private static byte[] RawEd25519Key(JsonElement group) => Convert.FromHexString(group.GetProperty("publicKey").GetProperty("pk").GetString()!);

    private static Dictionary<int, WycheproofCase> Load(string file, Func<JsonElement, byte[]> publicKey)
    {
        var cases = new Dictionary<int, WycheproofCase>();
        foreach (var group in VectorFiles.Json(file).GetProperty("testGroups").EnumerateArray())
        {
            byte[] key = publicKey(group);
            foreach (var test in group.GetProperty("tests").EnumerateArray())
            {
                var c = new WycheproofCase(
                    test.GetProperty("tcId").GetInt32(),
                    test.GetProperty("comment").GetString()!,
                    [.. test.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!)],
                    key,
                    Convert.FromHexString(test.GetProperty("msg").GetString()!),
                    Convert.FromHexString(test.GetProperty("sig").GetString()!),
                    test.GetProperty("result").GetString()!);
                cases.Add(c.TcId, c);
            }
        }

        return cases;
    }
}
