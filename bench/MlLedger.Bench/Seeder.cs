using System.Collections.Concurrent;
using System.Diagnostics;
using static MlLedger.Bench.Report;

namespace MlLedger.Bench;

internal sealed record SeedResult(long Appended, long Requests, long Retries, long Errors, TimeSpan Elapsed, int Models, int Versions);

/// <summary>
/// Seeds the ledger through its HTTP API with parallel clients: each client takes the next model and sends its
/// whole plan, call by call; the entry budget is reserved per model before it starts, and what is left at the end
/// is topped up with single-entry writes (dataset checks), so the ledger ends at the target. The plans are
/// <see cref="ModelPlan.For"/> unless <paramref name="plans"/> says otherwise (null: no more models).
/// </summary>
internal sealed class Seeder(Identities who, int concurrency, Func<int, ModelPlan?>? plans = null)
{
    private const int MinErrorsToStop = 50; // and at least 1% of the requests
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private readonly ConcurrentQueue<string> _holdouts = new(); // of the models seeded completely
    private long _appended;
    private long _requests;
    private long _retries;
    private long _errors;
    private long _reserved;
    private int _nextModel;
    private int _models;
    private int _versions;

    public async Task<SeedResult> RunAsync(long budget, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sender = new TrafficSender(who)
        {
            Appended = n => Interlocked.Add(ref _appended, n),
            Requested = () => Interlocked.Increment(ref _requests),
            Retried = () => Interlocked.Increment(ref _retries),
        };

        using var progress = new PeriodicTimer(TimeSpan.FromSeconds(5));
        var reporter = ReportAsync(progress, budget, clock);
        try
        {
            var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => WorkAsync(sender, budget, stop), ct)).ToList();
            await Task.WhenAll(workers);
            await TopUpAsync(sender, budget, stop);
        }
        finally
        {
            progress.Dispose();
            await reporter;
        }

        foreach (var sample in _errorSamples)
        {
            Console.WriteLine($"  error: {sample}");
        }

        if (TooManyErrors)
        {
            throw new BenchFailure($"seeding stopped after {_errors} failed requests of {_requests}");
        }

        ct.ThrowIfCancellationRequested();
        return new SeedResult(_appended, _requests, _retries, _errors, clock.Elapsed, _models, _versions);
    }

    private async Task WorkAsync(TrafficSender sender, long budget, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var plan = (plans ?? ModelPlan.For)(Interlocked.Increment(ref _nextModel) - 1);
            if (plan is null)
            {
                return;
            }

            if (Interlocked.Add(ref _reserved, plan.Entries) > budget)
            {
                Interlocked.Add(ref _reserved, -plan.Entries);
                return;
            }

            try
            {
                await sender.SendAsync(plan, stop.Token);
                _holdouts.Enqueue(plan.Holdout);
                Interlocked.Increment(ref _models);
                Interlocked.Add(ref _versions, plan.Versions.Count);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // stopped: too many errors, or the run was interrupted
            }
            catch (Exception e) when (e is LedgerCallFailed or HttpRequestException or TaskCanceledException)
            {
                Failed(e, stop); // the rest of this model's plan is dropped; the top-up makes up for it
            }
        }
    }

    /// <summary>Single-entry writes (a drift-scan check on seeded datasets) until the budget is used up exactly.</summary>
    private async Task TopUpAsync(TrafficSender sender, long budget, CancellationTokenSource stop)
    {
        var missing = budget - Interlocked.Read(ref _appended);
        if (missing <= 0 || stop.IsCancellationRequested)
        {
            return;
        }

        var datasets = _holdouts.ToList();
        if (datasets.Count == 0)
        {
            datasets = ["topup-holdout@1"];
            await sender.RegisterDatasetAsync(datasets[0], stop.Token);
            missing--;
        }

        var next = -1L;
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (var n = Interlocked.Increment(ref next); n < missing && !stop.IsCancellationRequested; n = Interlocked.Increment(ref next))
            {
                try
                {
                    await sender.RecordCheckAsync(datasets[(int)(n % datasets.Count)], (int)n, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is LedgerCallFailed or HttpRequestException or TaskCanceledException)
                {
                    Failed(e, stop);
                }
            }
        }));
        await Task.WhenAll(workers);
    }

    private void Failed(Exception e, CancellationTokenSource stop)
    {
        if (Interlocked.Increment(ref _errors) <= 5)
        {
            _errorSamples.Enqueue(e.Message);
        }

        if (TooManyErrors)
        {
            stop.Cancel();
        }
    }

    private bool TooManyErrors
    {
        get
        {
            var errors = Interlocked.Read(ref _errors);
            return errors >= MinErrorsToStop && errors * 100 >= Interlocked.Read(ref _requests);
        }
    }

    private async Task ReportAsync(PeriodicTimer timer, long budget, Stopwatch clock)
    {
        // ends when the timer is disposed
        while (await timer.WaitForNextTickAsync())
        {
            var appended = Interlocked.Read(ref _appended);
            var rate = appended / clock.Elapsed.TotalSeconds;
            var eta = rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, budget - appended) / rate) : TimeSpan.Zero;
            Console.WriteLine($"  seeding {Duration(clock.Elapsed)}: {Num(appended)} / {Num(budget)} entries ({F(100.0 * appended / budget, "0")}%), " +
                              $"{Num((long)rate)} entries/s, {Num(Interlocked.Read(ref _requests))} requests ({Num(Interlocked.Read(ref _retries))} retries), {_models} models done, " +
                              $"{Interlocked.Read(ref _errors)} errors, eta {Duration(eta)}");
        }
    }
}
