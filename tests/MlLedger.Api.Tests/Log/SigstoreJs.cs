using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.Log;

/// <summary>
/// sigstore-js (<c>@sigstore/verify</c> 3.1.1 on Node.js), installed by scripts/test from
/// tests/interop/sigstore/package-lock.json: verifies a bundle given a trusted root and the signer's public key PEM.
/// Exit 0 and "verified", or exit 1 and the verifier's error.
/// </summary>
internal static class SigstoreJs
{
    public static Task<ProcessResult> Verify(string bundle, string root, string pem) =>
        Processes.Run("node", Path.Combine(RepositoryRoot(), "tests", "interop", "sigstore", "verify.mjs"), bundle, root, pem);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MlLedger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("MlLedger.sln not found above the test assembly");
    }
}
