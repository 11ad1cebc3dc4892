using MlLedger.Policies;

namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>One ledger enforcing the policies that ship in policies/, shared by the tests of a class.</summary>
public sealed class ShippedPoliciesFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public LedgerApp App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await LedgerApp.StartAsync(postgres, o => o with { Policies = PolicySet.Load(LedgerApp.ShippedPolicies) });

    public async Task DisposeAsync() => await App.DisposeAsync();
}
