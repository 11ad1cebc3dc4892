namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>One ledger (host, database, keys) shared by the tests of a class: IClassFixture&lt;LedgerFixture&gt;.</summary>
public sealed class LedgerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public LedgerApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await LedgerApp.StartAsync(postgres);

    public async Task DisposeAsync() => await App.DisposeAsync();
}
