using System.Security.Cryptography;
using System.Text.Json;

namespace MlLedger.Reports.Rendering;

/// <summary>SHA-256 over a report record serialized as JSON: equal records give equal hashes, in any process.</summary>
internal static class ContentHash
{
    public static byte[] Of<T>(string kind, T report)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes("mlledger-report:" + kind + "\n"));
        sha.AppendData(JsonSerializer.SerializeToUtf8Bytes(report));
        return sha.GetHashAndReset();
    }
}
