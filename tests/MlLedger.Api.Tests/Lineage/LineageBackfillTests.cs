using System.Net;
using System.Text.Json.Nodes;
using MlLedger.Api.Tests.Infrastructure;

namespace MlLedger.Api.Tests.Lineage;

/// <summary>A ledger whose entries were written before the lineage index existed gets them indexed at its next start.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LineageBackfillTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Entries_older_than_the_index_are_indexed_once_at_start()
    {
        var directory = Directory.CreateTempSubdirectory("mlledger-backfill-").FullName;
        var first = await LedgerApp.StartAsync(postgres);
        var life = await Lifecycles.Run(first, "fill");
        var path = $"/v1/lineage/dataset/{life.Raw}?direction=downstream";
        var before = await first.Client("audrey", "auditor").GetAsync(path).Expect(HttpStatusCode.OK);
        var connection = first.ConnectionString;
        var keys = Path.Combine(directory, "keys");
        Directories.CopyFiles(first.KeysDirectory, keys);
        first.KeepDatabase();
        await first.DisposeAsync();

        // as a database from before the index: no rows, no mark
        await using (var admin = new Npgsql.NpgsqlConnection(connection))
        {
            await admin.OpenAsync();
            await using var wipe = new Npgsql.NpgsqlCommand("TRUNCATE mlledger.lineage_nodes, mlledger.lineage_edges, mlledger.lineage_marks", admin);
            await wipe.ExecuteNonQueryAsync();
        }

        await using var again = await LedgerApp.StartAsync(postgres, options => options with { ConnectionString = connection, KeysDirectory = keys });
        try
        {
            var after = await again.Client("audrey", "auditor").GetAsync(path).Expect(HttpStatusCode.OK);
            Assert.Equal(Canonical(before), Canonical(after));
            Assert.True(before["nodes"]!.AsArray().Count >= 10, before.ToJsonString());
        }
        finally
        {
            await postgres.DropDatabaseAsync(connection);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Canonical(JsonObject graph) => new JsonObject
    {
        ["nodes"] = new JsonArray(graph["nodes"]!.AsArray().Select(n => n!.ToJsonString()).Order(StringComparer.Ordinal).Select(s => (JsonNode)s).ToArray()),
        ["edges"] = new JsonArray(graph["edges"]!.AsArray().Select(e => e!.ToJsonString()).Order(StringComparer.Ordinal).Select(s => (JsonNode)s).ToArray()),
    }.ToJsonString();
}
