using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace MlLedger.Bench;

/// <summary>
/// The ceiling of an HTTP write on this machine: a bare ASP.NET Core endpoint on loopback that parses the JSON body
/// and stores it with one Npgsql INSERT (autocommit) in the same database as the ledger. No authentication, no
/// validation, no signature, no event store.
/// </summary>
internal sealed class BareEndpoint : IAsyncDisposable
{
    public const string Path = "/bare/rows";

    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _database;

    private BareEndpoint(WebApplication app, NpgsqlDataSource database, Uri address)
    {
        _app = app;
        _database = database;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<BareEndpoint> StartAsync(string connectionString, CancellationToken ct)
    {
        var database = NpgsqlDataSource.Create(connectionString);
        await using (var create = database.CreateCommand(
                         "CREATE SCHEMA IF NOT EXISTS bench_bare; " +
                         "CREATE TABLE IF NOT EXISTS bench_bare.rows (id bigserial PRIMARY KEY, name text NOT NULL, body jsonb NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost(Path, async (HttpContext http) =>
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var name = body.RootElement.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            await using var insert = database.CreateCommand("INSERT INTO bench_bare.rows (name, body) VALUES ($1, $2) RETURNING id");
            insert.Parameters.Add(new NpgsqlParameter { Value = name });
            insert.Parameters.Add(new NpgsqlParameter { Value = body.RootElement.GetRawText(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            var id = (long)(await insert.ExecuteScalarAsync(http.RequestAborted))!;
            return Results.Json(new { id }, statusCode: StatusCodes.Status201Created);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BareEndpoint(app, database, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}
