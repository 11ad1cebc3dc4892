namespace MlLedger.Domain;

/// <summary>Lifecycle stage of a model version, ordered: None &lt; Staging &lt; Production.</summary>
public enum Stage
{
    None = 0,
    Staging = 1,
    Production = 2,
}

public static class StageNames
{
    /// <summary>The wire name of a stage, as it appears in JSON and in messages ("staging").</summary>
    public static string Of(Stage stage) => stage switch
    {
        Stage.None => "none",
        Stage.Staging => "staging",
        Stage.Production => "production",
        _ => ((int)stage).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Reads a wire name ("none", "staging", "production"), exactly.</summary>
    public static bool TryParse(string? name, out Stage stage)
    {
        foreach (var candidate in Enum.GetValues<Stage>())
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                stage = candidate;
                return true;
            }
        }

        stage = Stage.None;
        return false;
    }
}
