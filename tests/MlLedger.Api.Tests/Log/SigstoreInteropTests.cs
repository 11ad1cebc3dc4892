using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;
using static MlLedger.Api.Tests.Log.LogClient;

namespace MlLedger.Api.Tests.Log;

/// <summary>
/// The ledger's Sigstore bundles, checked by an independent verifier: sigstore-js (<c>@sigstore/verify</c> 3.1.1,
/// installed by scripts/test from tests/interop/sigstore/package-lock.json) run on Node.js, given only the served
/// trusted root and the ledger's public key PEM.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class SigstoreInteropTests(LedgerFixture shared) : IClassFixture<LedgerFixture>, IDisposable
{
    private readonly LedgerApp _ledger = shared.App;
    private readonly string _directory = Directory.CreateTempSubdirectory("mlledger-interop-").FullName;

    [Fact]
    public async Task A_bundle_of_each_entry_verifies_with_sigstore_js_and_a_tampered_one_does_not()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        var registered = await pipeline.Post("/v1/datasets", Dataset("interop-train", "1")).Expect(HttpStatusCode.Created);
        var model = await pipeline.Post("/v1/models/interop/versions", ModelVersion("1", null, "interop-train@1")).Expect(HttpStatusCode.Created);
        var auditor = _ledger.Client("audrey", "auditor");
        await CheckpointCovering(auditor, await _ledger.StoredEntries());

        var root = await Save("trusted_root.json", await auditor.GetStringAsync("/v1/log/trusted-root"));
        var keys = await auditor.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
        var pem = await Save("ledger.pem", (string)keys["keys"]![0]!["pem"]!);

        foreach (var seq in new[] { registered, model }.SelectMany(r => r["entries"]!.AsArray()).Select(e => (long)e!["seq"]!))
        {
            var bundleText = await auditor.GetStringAsync($"/v1/entries/{seq}/bundle");
            var result = await Verify(await Save($"entry-{seq}.json", bundleText), root, pem);
            Assert.True(result.ExitCode == 0, $"entry {seq}: {result.Output}");
            Assert.Contains("verified", result.Output, StringComparison.Ordinal);
        }

        var bundle = JsonNode.Parse(await auditor.GetStringAsync($"/v1/entries/{(long)registered["entries"]![0]!["seq"]!}/bundle"))!;
        foreach (var (name, tamper) in Tamperings())
        {
            var copy = bundle.DeepClone();
            tamper(copy);
            var result = await Verify(await Save($"tampered-{name}.json", copy.ToJsonString()), root, pem);
            Assert.True(result.ExitCode == 1, $"{name} was accepted: {result.Output}");
        }
    }

    /// <summary>Named corruptions of a served bundle; sigstore-js must reject each.</summary>
    private static IEnumerable<(string, Action<JsonNode>)> Tamperings()
    {
        JsonNode Tlog(JsonNode b) => b["verificationMaterial"]!["tlogEntries"]![0]!;
        yield return ("payload", b => b["dsseEnvelope"]!["payload"] = Flip((string)b["dsseEnvelope"]!["payload"]!));
        yield return ("signature", b => b["dsseEnvelope"]!["signatures"]![0]!["sig"] = Flip((string)b["dsseEnvelope"]!["signatures"]![0]!["sig"]!));
        yield return ("log-index", b =>
        {
            var index = long.Parse((string)Tlog(b)["logIndex"]!, System.Globalization.CultureInfo.InvariantCulture) + 1;
            Tlog(b)["logIndex"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Tlog(b)["inclusionProof"]!["logIndex"] = Tlog(b)["logIndex"]!.DeepClone();
        });
        yield return ("checkpoint", b => Tlog(b)["inclusionProof"]!["checkpoint"]!["envelope"] =
            ((string)Tlog(b)["inclusionProof"]!["checkpoint"]!["envelope"]!).Replace("\n\n", "\nextra\n\n", StringComparison.Ordinal));
        yield return ("body", b => Tlog(b)["canonicalizedBody"] = Flip((string)Tlog(b)["canonicalizedBody"]!));
    }

    /// <summary>Changes one base64 character in the middle (a different byte, still valid base64).</summary>
    private static string Flip(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        bytes[bytes.Length / 2] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }

    private static Task<ProcessResult> Verify(string bundle, string root, string pem) => SigstoreJs.Verify(bundle, root, pem);

    private async Task<string> Save(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
