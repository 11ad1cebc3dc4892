using System.Text;
using System.Text.Json.Nodes;
using MlLedger.Reports.Manifest;

namespace MlLedger.Reports.Tests;

/// <summary>A family of named corruptions of one valid manifest: every one must be a <see cref="FormatException"/>.</summary>
public class ManifestJsonTests
{
    static readonly string Valid = Encoding.UTF8.GetString(ReportManifest.Of(ReportSamples.Compliance().Frame).ToJson());

    static JsonObject Root() => JsonNode.Parse(Valid)!.AsObject();
    static JsonObject Checkpoint(JsonObject root) => root["checkpoint"]!.AsObject();
    static JsonObject Citation(JsonObject root, int i) => root["citations"]!.AsArray()[i]!.AsObject();

    static readonly Dictionary<string, Func<string>> Corruptions = new()
    {
        ["format-missing"] = () => Edit(r => r.Remove("format")),
        ["kind-is-a-number"] = () => Edit(r => r["kind"] = 7),
        ["subject-is-null"] = () => Edit(r => r["subject"] = null),
        ["checkpoint-missing"] = () => Edit(r => r.Remove("checkpoint")),
        ["checkpoint-is-an-array"] = () => Edit(r => r["checkpoint"] = new JsonArray()),
        ["tree-size-is-a-string"] = () => Edit(r => Checkpoint(r)["treeSize"] = "4821"),
        ["tree-size-negative"] = () => Edit(r => Checkpoint(r)["treeSize"] = -1),
        ["tree-size-fraction"] = () => Edit(r => Checkpoint(r)["treeSize"] = 4821.5),
        ["tree-size-past-int64"] = () => Edit(r => Checkpoint(r)["treeSize"] = JsonNode.Parse("1e30")),
        ["root-hash-uppercase"] = () => Edit(r => Checkpoint(r)["rootHash"] = ReportSamples.Hex("root").ToUpperInvariant()),
        ["root-hash-63-digits"] = () => Edit(r => Checkpoint(r)["rootHash"] = ReportSamples.Hex("root")[..63]),
        ["root-hash-not-hex"] = () => Edit(r => Checkpoint(r)["rootHash"] = "g" + ReportSamples.Hex("root")[1..]),
        ["signed-note-missing"] = () => Edit(r => Checkpoint(r).Remove("signedNote")),
        ["ledger-time-not-a-time"] = () => Edit(r => Checkpoint(r)["ledgerTime"] = "yesterday"),
        ["ledger-time-a-number"] = () => Edit(r => Checkpoint(r)["ledgerTime"] = 1741944413),
        ["citations-is-an-object"] = () => Edit(r => r["citations"] = new JsonObject()),
        ["citation-is-a-string"] = () => Edit(r => r["citations"]!.AsArray()[0] = "entry 100"),
        ["citation-seq-negative"] = () => Edit(r => Citation(r, 0)["seq"] = -100),
        ["citation-seq-is-a-string"] = () => Edit(r => Citation(r, 0)["seq"] = "100"),
        ["citation-leaf-index-negative"] = () => Edit(r => Citation(r, 0)["leafIndex"] = -1),
        ["citation-leaf-index-equals-tree-size"] = () => Edit(r => Citation(r, 0)["leafIndex"] = ReportSamples.TreeSize),
        ["citation-leaf-hash-65-digits"] = () => Edit(r => Citation(r, 0)["leafHash"] = ReportSamples.Hex("x") + "0"),
        ["citation-leaf-hash-is-a-number"] = () => Edit(r => Citation(r, 0)["leafHash"] = 0),
        ["citation-stream-missing"] = () => Edit(r => Citation(r, 0).Remove("stream")),
        ["citation-event-type-is-true"] = () => Edit(r => Citation(r, 0)["eventType"] = true),
        ["duplicate-seq"] = () => Edit(r => Citation(r, 1)["seq"] = Citation(r, 0)["seq"]!.GetValue<long>()),
        ["duplicate-leaf-index"] = () => Edit(r => Citation(r, 1)["leafIndex"] = Citation(r, 0)["leafIndex"]!.GetValue<long>()),
        ["duplicate-citation"] = () => Edit(r => r["citations"]!.AsArray().Add(Citation(r, 0).DeepClone())),
        ["duplicate-member"] = () => Valid.Replace("\"kind\":", "\"kind\":\"audit-period\",\"kind\":", StringComparison.Ordinal),
        ["root-is-an-array"] = () => "[" + Valid + "]",
        ["trailing-garbage"] = () => Valid + "}",
        ["truncated"] = () => Valid[..(Valid.Length / 2)],
        ["empty"] = () => "",
        ["nested-too-deep"] = () => Valid.Replace("\"kind\":\"compliance\"", "\"kind\":\"compliance\",\"x\":" + new string('[', 100) + new string(']', 100), StringComparison.Ordinal),
    };

    static string Edit(Action<JsonObject> change)
    {
        var root = Root();
        change(root);
        return root.ToJsonString();
    }

    public static TheoryData<string> Names() => [.. Corruptions.Keys];

    [Fact]
    public void The_uncorrupted_manifest_is_read()
    {
        var manifest = ReportManifest.FromJson(Encoding.UTF8.GetBytes(Valid));
        Assert.True(manifest.SameAs(ReportManifest.Of(ReportSamples.Compliance().Frame)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_corrupted_manifest_is_refused(string corruption)
    {
        var json = Corruptions[corruption]();
        Assert.NotEqual(Valid, json);
        Assert.Throws<FormatException>(() => ReportManifest.FromJson(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid.Replace("fraud-detector@2.3.0", "fraud-detector@2.3.X", StringComparison.Ordinal));
        bytes[bytes.AsSpan().IndexOf("@2.3.X"u8) + 5] = 0xC3; // a lead byte with no continuation
        Assert.Throws<FormatException>(() => ReportManifest.FromJson(bytes));
    }

    [Fact]
    public void Any_byte_of_the_manifest_changed_gives_a_manifest_or_a_format_exception_never_another_exception()
    {
        var valid = Encoding.UTF8.GetBytes(Valid);
        var random = new Random(20250314);
        for (var round = 0; round < 3_000; round++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                ReportManifest.FromJson(bytes);
            }
            catch (FormatException)
            {
                // refused, as it should be when the change broke the shape
            }
        }
    }
}
