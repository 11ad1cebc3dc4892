using System.Text.Json;

namespace MlLedger.Integrity.Tests;

/// <summary>The vector files copied next to the test assembly (see Vectors/README.md for their origin).</summary>
internal static class VectorFiles
{
    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", name));

    public static JsonElement Json(string name)
    {
        using var document = JsonDocument.Parse(Text(name));
        return document.RootElement.Clone();
    }

    public static JsonElement Dsse => Json("dsse.json");

    public static JsonElement DsseBundle => Json("bundle.dsse.v0.3.json");

    public static JsonElement SignedNotes => Json("signed_notes.json");

    public static JsonElement Checkpoints => Json("checkpoints.json");
}
