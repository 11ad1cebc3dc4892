using System.Text.Json;

namespace MlLedger.Integrity.Tests.Checkpoints;

/// <summary>Rows of signed_notes.json and checkpoints.json, named for theories.</summary>
internal static class NoteVectors
{
    public static IEnumerable<JsonElement> Notes => VectorFiles.SignedNotes.GetProperty("vectors").EnumerateArray();

    public static IEnumerable<JsonElement> VerifierKeys => VectorFiles.SignedNotes.GetProperty("verifierKeys").EnumerateArray();

    public static IEnumerable<JsonElement> BadVerifierKeys => VectorFiles.SignedNotes.GetProperty("badVerifierKeys").EnumerateArray();

    public static IEnumerable<JsonElement> CheckpointBodies => VectorFiles.Checkpoints.GetProperty("vectors").EnumerateArray();

    public static JsonElement Note(string desc) => Notes.Single(v => v.GetProperty("desc").GetString() == desc);

    public static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    public static string? OptionalString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() : null;

    public static TheoryData<string> Rows(IEnumerable<string> names)
    {
        var rows = new TheoryData<string>();
        foreach (string name in names)
        {
            rows.Add(name);
        }

        return rows;
    }
}
