using System.CommandLine;
using MlLedger.Cli;

namespace MlLedger.Api.Tests.Cli;

/// <summary>What one run of the command line gave: its exit code and everything it printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public IReadOnlyList<string> OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>mlledger</c> in process, as <c>Program</c> does, with its output captured.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(exit, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary copy of the shipped policies (with their example cases and examples/), deleted afterwards.</summary>
internal sealed class PolicyWorkspace : IDisposable
{
    private static readonly string Shipped = Path.Combine(AppContext.BaseDirectory, "ShippedPolicies");

    public PolicyWorkspace()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mlledger-cli-" + Guid.NewGuid().ToString("N"));
        foreach (var file in System.IO.Directory.EnumerateFiles(Shipped, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Directory, Path.GetRelativePath(Shipped, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public string Write(string name, string text)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }

    public string Read(string name) => File.ReadAllText(PathOf(name));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
