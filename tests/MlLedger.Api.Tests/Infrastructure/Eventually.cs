namespace MlLedger.Api.Tests.Infrastructure;

/// <summary>Waits for something the ledger does in the background (sequencing, checkpoints): polls, never asserts on time.</summary>
public static class Eventually
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<T> Get<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up waiting for {what} after {Patience.TotalSeconds} s");
            }

            await Task.Delay(25);
        }
    }
}
