using System.Net;
using MlLedger.Api.Tests.Faults;
using MlLedger.Api.Tests.Infrastructure;
using static MlLedger.Api.Tests.Infrastructure.Requests;

namespace MlLedger.Api.Tests.IdentityProvider;

/// <summary><c>mlledger serve</c> as an operator starts it against an internal provider: the flags, end to end.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ServeWithAuthorityTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Given_jwt_authority_and_its_CA_file_When_serve_runs_Then_the_providers_tokens_write_and_a_rotation_is_followed()
    {
        await using var provider = await OidcProvider.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"mlledger-serve-{Guid.NewGuid():N}");
        await using (var serve = await ServeProcess.StartAsync(database, dataDirectory,
        [
            "--jwt-authority", provider.Issuer, "--jwt-authority-ca", provider.CaFile, "--jwt-audience", OidcProvider.Audience,
            "--jwt-keys-refresh", "1s", "--jwt-keys-max-age", "1min",
        ]))
        {
            using var pipeline = new HttpClient { BaseAddress = serve.Address };
            pipeline.DefaultRequestHeaders.Authorization = new("Bearer", await provider.ClientToken("ci-pipeline"));
            await pipeline.Post("/v1/datasets", Dataset("serve-idp", "1")).Expect(HttpStatusCode.Created);

            var published = await provider.Rotate();
            await provider.Remove(published[1]);
            pipeline.DefaultRequestHeaders.Authorization = new("Bearer", await provider.ClientToken("ci-pipeline"));
            await pipeline.Post("/v1/datasets", Dataset("serve-idp", "2")).Expect(HttpStatusCode.Created);
            Assert.Contains($"Token signing keys of {provider.Issuer} from {provider.Issuer}/jwks: k2 (no longer accepted: k1)", serve.Output, StringComparison.Ordinal);
        }

        await postgres.DropDatabaseAsync(database);
        Directory.Delete(dataDirectory, recursive: true);
    }
}
