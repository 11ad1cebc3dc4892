namespace MlLedger.Api.Auth.Authority;

/// <summary>
/// Fetches the authority's keys at start and then every <see cref="JwtSettings.KeysRefresh"/>, whatever tokens
/// arrive. After a failure it tries again sooner (1 s, doubling up to the refresh interval), so that a ledger started
/// before its identity provider is ready within seconds of the provider.
/// </summary>
internal sealed class AuthorityKeyRefresh(AuthorityKeys keys, JwtSettings jwt, TimeProvider clock) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            if (await keys.RefreshAsync(stoppingToken))
            {
                retry = FirstRetry;
                wait = jwt.KeysRefresh;
            }
            else
            {
                wait = retry;
                retry = retry * 2 < jwt.KeysRefresh ? retry * 2 : jwt.KeysRefresh; // capped: doubling forever would overflow in a long outage
            }

            try
            {
                await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
