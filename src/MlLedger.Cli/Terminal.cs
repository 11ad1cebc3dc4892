using Spectre.Console;

namespace MlLedger.Cli;

/// <summary>Spectre.Console output on a given writer (the command's standard output, or a test's writer).</summary>
internal static class Terminal
{
    /// <summary>Width used when the output is not a terminal (CI logs, files, pipes) and COLUMNS is not set.</summary>
    public const int RedirectedWidth = 160;

    public static IAnsiConsole For(TextWriter writer)
    {
        // colours are detected (NO_COLOR, CI, TERM) on the process's own output only; a writer of a caller gets plain text
        var standard = ReferenceEquals(writer, Console.Out) || ReferenceEquals(writer, Console.Error);
        var output = new AnsiConsoleOutput(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = output,
            Ansi = standard ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = standard ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!output.IsTerminal)
        {
            // 80 columns would wrap every reason and digest in a CI log; logs have no width to fit.
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0
                ? columns
                : RedirectedWidth;
        }

        return console;
    }
}
