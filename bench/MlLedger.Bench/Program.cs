using System.Runtime;
using System.Runtime.InteropServices;
using MlLedger.Bench;

// Prints figures; never asserts timing. Exit code 2 for bad usage, 1 when a run could not complete.
if (args is [VerifyBench.ChildMode, _, _])
{
    return await VerifyBench.RunChildAsync(args[1..]);
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"MlLedger.Bench: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

using var cancel = new CancellationTokenSource();

// SIGINT (Ctrl+C) and SIGTERM (kill) stop the run and let the throwaway cluster be stopped and removed: it runs in a
// process of its own (pg_ctl) and would outlive this one. A second signal ends the process at once.
void Stop(PosixSignalContext context)
{
    if (!cancel.IsCancellationRequested)
    {
        context.Cancel = true;
        Console.Error.WriteLine($"{context.Signal}: stopping (cleaning up the throwaway cluster) ...");
        cancel.Cancel();
    }
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

Console.WriteLine($"MlLedger.Bench: .NET {Environment.Version}, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}, " +
                  $"{Environment.ProcessorCount} logical CPUs, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
                  $"{(Report.IsOptimized ? "optimized build" : "DEBUG BUILD: figures are not representative")}");
Console.WriteLine($"modes: {string.Join(", ", options.Modes)}; policies: {options.PoliciesDirectory}; {Report.LoadAverage()}");

try
{
    foreach (var mode in options.Modes)
    {
        Console.WriteLine();
        if (mode == BenchOptions.PolicyMode)
        {
            PolicyBench.Run(options);
        }
        else if (mode == BenchOptions.LogMode)
        {
            await LogBench.RunAsync(options, cancel.Token);
        }
        else if (mode == BenchOptions.ReportsMode)
        {
            await ReportsBench.RunAsync(options, cancel.Token);
        }
        else if (mode == BenchOptions.VerifyMode)
        {
            await VerifyBench.RunAsync(options, cancel.Token);
        }
        else if (mode == BenchOptions.AppendMode)
        {
            await AppendBench.RunAsync(options, cancel.Token);
        }
        else if (mode == BenchOptions.HttpWriteMode)
        {
            await HttpWriteBench.RunAsync(options, cancel.Token);
        }
        else if (mode == BenchOptions.StartupMode)
        {
            await StartupBench.RunAsync(options, cancel.Token);
        }
        else if (mode == BenchOptions.EntryChecksMode)
        {
            EntryChecksBench.Run();
        }
        else if (mode == BenchOptions.ReadsMode)
        {
            await ReadsBench.RunAsync(options, cancel.Token);
        }
        else if (mode == BenchOptions.ConsoleMode)
        {
            await ConsoleBench.RunAsync(options, cancel.Token);
        }
        else
        {
            await HttpBench.RunAsync(options, cancel.Token);
        }

        Console.WriteLine($"({mode} mode done; {Report.LoadAverage()})");
    }

    Summary.Print();
    Console.WriteLine($"({Report.LoadAverage()})");
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped.");
    return 1;
}
catch (BenchFailure e)
{
    Console.Error.WriteLine($"MlLedger.Bench: {e.Message}");
    return 1;
}
