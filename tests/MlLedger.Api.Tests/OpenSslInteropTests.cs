using System.Net;
using System.Security.Cryptography;
using System.Text;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests;

/// <summary>
/// An entry fetched from the API verifies with a tool that is not MlLedger: the openssl command line,
/// given only the PEM from GET /v1/keys. The PAE is built here by hand from the DSSE spec, not by ledger code.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OpenSslInteropTests(LedgerFixture shared) : IClassFixture<LedgerFixture>, IDisposable
{
    private readonly LedgerApp _ledger = shared.App;
    private readonly string _work = Directory.CreateTempSubdirectory("mlledger-openssl-").FullName;

    [Fact]
    public async Task Every_entry_of_a_lifecycle_verifies_with_openssl_and_a_flipped_byte_does_not()
    {
        var pipeline = _ledger.Client("ci-bot", "pipeline");
        await pipeline.Post("/v1/datasets", Dataset()).Expect(HttpStatusCode.Created);
        await pipeline.Post("/v1/models/churn/versions", ModelVersion()).Expect(HttpStatusCode.Created);
        var promotion = (string)(await _ledger.Client("alice", "approver").Post("/v1/promotions", Promotion()).Expect(HttpStatusCode.Created))["id"]!;
        await _ledger.Client("bob", "approver").Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        await _ledger.Client("carol", "approver").Post($"/v1/promotions/{promotion}/approvals", Approval()).Expect(HttpStatusCode.OK);
        var deployment = await pipeline.Post("/v1/deployments", Deployment()).Expect(HttpStatusCode.Created);
        var seq = (long)deployment["entries"]![0]!["seq"]!;
        // policy set publication; dataset; model; request + evaluation; approval + evaluation;
        // approval + evaluation + completion + stage change; deployment
        Assert.Equal(12, seq);

        var auditor = _ledger.Client("audrey", "auditor");
        var keys = await auditor.GetAsync("/v1/keys").Expect(HttpStatusCode.OK);
        var key = keys["keys"]!.AsArray().Single()!;
        var pemFile = Path.Combine(_work, "ledger.pem");
        await File.WriteAllTextAsync(pemFile, (string)key["pem"]!);

        // key id = lowercase hex SHA-256 of the SPKI DER, computed by openssl
        var der = Path.Combine(_work, "ledger.der");
        Assert.Equal(0, (await Processes.Run("openssl", "pkey", "-pubin", "-in", pemFile, "-outform", "DER", "-out", der)).ExitCode);
        Assert.Equal((string)key["keyId"]!, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(der))));

        for (var s = 1L; s <= seq; s++)
        {
            var entry = await auditor.GetAsync($"/v1/entries/{s}").Expect(HttpStatusCode.OK);
            var envelope = entry["envelope"]!;
            var signature = envelope["signatures"]!.AsArray().Single()!;
            Assert.Equal((string)key["keyId"]!, (string)signature["keyid"]!);

            var pae = Pae((string)envelope["payloadType"]!, Convert.FromBase64String((string)envelope["payload"]!));
            var (paeFile, sigFile) = (Path.Combine(_work, $"pae-{s}.bin"), Path.Combine(_work, $"sig-{s}.der"));
            await File.WriteAllBytesAsync(paeFile, pae);
            await File.WriteAllBytesAsync(sigFile, Convert.FromBase64String((string)signature["sig"]!));

            var verified = await Processes.Run("openssl", "dgst", "-sha256", "-verify", pemFile, "-signature", sigFile, paeFile);
            Assert.True(verified.ExitCode == 0, $"entry {s}: {verified.Output}");
            Assert.Contains("Verified OK", verified.Output, StringComparison.Ordinal);

            pae[^1] ^= 0x01;
            await File.WriteAllBytesAsync(paeFile, pae);
            var tampered = await Processes.Run("openssl", "dgst", "-sha256", "-verify", pemFile, "-signature", sigFile, paeFile);
            Assert.NotEqual(0, tampered.ExitCode);
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>DSSE v1 pre-authentication encoding, written from the spec: "DSSEv1" SP len(type) SP type SP len(body) SP body.</summary>
    private static byte[] Pae(string payloadType, byte[] payload)
    {
        var type = Encoding.UTF8.GetBytes(payloadType);
        return [.. Encoding.ASCII.GetBytes($"DSSEv1 {type.Length} "), .. type, .. Encoding.ASCII.GetBytes($" {payload.Length} "), .. payload];
    }
}
