using System.Text.Json;

namespace MlLedger.Integrity.Tests.Merkle;

/// <summary>The Merkle vector files (roots.json, inclusion.json, consistency.json) and the theory rows made from them.</summary>
internal static class MerkleVectors
{
    private static readonly Lazy<JsonElement> RootsFile = new(() => VectorFiles.Json("roots.json"));
    private static readonly Lazy<JsonElement> InclusionFile = new(() => VectorFiles.Json("inclusion.json"));
    private static readonly Lazy<JsonElement> ConsistencyFile = new(() => VectorFiles.Json("consistency.json"));

    public static JsonElement Roots => RootsFile.Value;

    /// <summary>The 8-leaf RFC 6962 data set.</summary>
    public static JsonElement Dataset8 => Roots.GetProperty("dataset_8");

    public static byte[] Hex(JsonElement value) => Convert.FromHexString(value.GetString()!);

    public static byte[] Hex(JsonElement vector, string property) => Hex(vector.GetProperty(property));

    public static byte[][] HexList(JsonElement vector, string property) =>
        vector.GetProperty(property).EnumerateArray().Select(Hex).ToArray();

    /// <summary>One inclusion vector: group is "published", "derived_all_8" or "probes".</summary>
    public static JsonElement Inclusion(string group, int index) => Group(InclusionFile.Value, group)[index];

    public static JsonElement Consistency(string group, int index) => Group(ConsistencyFile.Value, group)[index];

    public static TheoryData<string, string, int> InclusionRows(string group) => Rows(InclusionFile.Value, group);

    public static TheoryData<string, string, int> ConsistencyRows(string group) => Rows(ConsistencyFile.Value, group);

    public static int InclusionCount(string group) => Group(InclusionFile.Value, group).GetArrayLength();

    public static int ConsistencyCount(string group) => Group(ConsistencyFile.Value, group).GetArrayLength();

    public static bool WantErr(JsonElement vector) =>
        vector.TryGetProperty("wantErr", out JsonElement wantErr) && wantErr.GetBoolean();

    private static JsonElement Group(JsonElement file, string group)
    {
        JsonElement element = file.GetProperty(group);
        return element.ValueKind == JsonValueKind.Array ? element : element.GetProperty("vectors");
    }

    /// <summary>Rows (name, group, index); the name is the vector's file, desc or sizes so each row reads on its own.</summary>
    private static TheoryData<string, string, int> Rows(JsonElement file, string group)
    {
        var rows = new TheoryData<string, string, int>();
        int index = 0;
        foreach (JsonElement vector in Group(file, group).EnumerateArray())
        {
            rows.Add(Name(vector, index), group, index);
            index++;
        }

        return rows;
    }

    private static string Name(JsonElement vector, int index)
    {
        if (vector.TryGetProperty("file", out JsonElement file))
        {
            return file.GetString()!;
        }

        if (vector.TryGetProperty("desc", out JsonElement desc))
        {
            return desc.GetString()!;
        }

        return vector.TryGetProperty("leafIndex", out JsonElement leafIndex)
            ? $"#{index} leaf {leafIndex} of {vector.GetProperty("treeSize")}"
            : $"#{index} {vector.GetProperty("size1")} -> {vector.GetProperty("size2")}";
    }
}
