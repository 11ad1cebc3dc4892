using System.CommandLine;

namespace MlLedger.Cli;

/// <summary><c>mlledger policy lint|test</c>: work on the policy files offline, before the ledger loads them.</summary>
internal static class PolicyCommand
{
    public const string DefaultDirectory = "policies";

    public static Command Create() => new("policy", "Lint policy files and run their example cases offline")
    {
        Lint(),
        Test(),
    };

    private static Command Lint()
    {
        var paths = new Argument<string[]>("path")
        {
            Description = $"Policy directories (each linted as a set, with its *.test.yaml files) or single .yaml files; default {DefaultDirectory}",
            Arity = ArgumentArity.ZeroOrMore,
            DefaultValueFactory = _ => [DefaultDirectory],
        };
        var output = OutputFormats.Option();
        var command = new Command("lint", "Report every problem in policy and example-case files as file:line:column: message. Exit 0 clean, 1 problems, 2 usage")
        {
            paths, output,
        };
        command.SetAction(parse =>
        {
            var given = parse.GetValue(paths) is { Length: > 0 } p ? p : [DefaultDirectory];
            var io = parse.InvocationConfiguration;
            return new PolicyLinter(io.Output, io.Error).Run(given, parse.GetValue(output)!);
        });
        return command;
    }

    private static Command Test()
    {
        var directory = new Argument<string>("dir")
        {
            Description = $"Policy directory; default {DefaultDirectory}",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => DefaultDirectory,
        };
        var output = OutputFormats.Option();
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print every rule result of every case" };
        var command = new Command("test", "Run the example cases (*.test.yaml) against the policy set of a directory. Exit 0 all pass, 1 any fails, 2 malformed or usage")
        {
            directory, output, verbose,
        };
        command.SetAction(parse =>
        {
            var io = parse.InvocationConfiguration;
            return new PolicyTester(io.Output, io.Error).Run(parse.GetValue(directory)!, parse.GetValue(output)!, parse.GetValue(verbose));
        });
        return command;
    }
}
