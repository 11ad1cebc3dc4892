using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlLedger.Cli;

/// <summary>The <c>--output table|json</c> option and the JSON the commands print.</summary>
internal static class OutputFormats
{
    public const string Table = "table";
    public const string Json = "json";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // file paths and reasons are printed as written, e.g. '>=' and '+' stay readable
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Option<string> Option()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: table or json",
            DefaultValueFactory = _ => Table,
        };
        option.AcceptOnlyFromAmong(Table, Json);
        return option;
    }
}
