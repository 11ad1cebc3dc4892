using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MlLedger.Domain.Policies;
using MlLedger.Policies.Documents;
using MlLedger.Policies.Evaluating;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlLedger.Policies.Testing;

/// <summary>One example case: facts, and the decision the policies must reach on them.</summary>
/// <param name="ExpectFailed">When given, exactly these rules ("policy/rule") must fail.</param>
public sealed record PolicyCase(string File, long Line, string Name, PolicyFacts Facts, bool ExpectAllowed, IReadOnlyList<string>? ExpectFailed);

/// <summary>The outcome of one case: <see cref="Passed"/> when the decision is the expected one.</summary>
public sealed record PolicyCaseResult(PolicyCase Case, bool Passed, PolicyDecision Decision, string? Mismatch);

/// <summary>
/// Example cases, kept next to the policies in <c>*.test.yaml</c> files and run offline against the set of
/// their directory, like <c>opa test</c>. A file holds optional <c>facts</c> (the base input document) and
/// <c>cases</c>, each with a <c>name</c>, its own <c>facts</c> merged over the base (mappings merge key by key;
/// lists and values replace) and <c>expect</c>: <c>allowed</c> and optionally <c>failed</c> (the exact list of
/// failing rules as "policy/rule").
/// </summary>
public static class PolicyCases
{
    private static readonly JsonSerializerOptions FactsJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The example-case files of a directory, by name.</summary>
    public static IReadOnlyList<string> Files(string directory) =>
        [.. Directory.EnumerateFiles(directory).Where(PolicySet.IsTestFile).OrderBy(Path.GetFileName, StringComparer.Ordinal)];

    /// <exception cref="PolicyLoadException">The file is malformed; every problem is listed with its position.</exception>
    public static IReadOnlyList<PolicyCase> Read(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(text);
        var diagnostics = new Diagnostics(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            diagnostics.Add(e.Start, $"not valid YAML: {e.Message}");
            throw new PolicyLoadException(diagnostics.Items);
        }

        var cases = new List<PolicyCase>();
        var root = stream.Documents.Count == 1 ? YamlFields.Of(stream.Documents[0].RootNode, "an example-case file", diagnostics) : null;
        if (root is null)
        {
            if (diagnostics.Count == 0)
            {
                diagnostics.Add(new Mark(), "an example-case file holds exactly one YAML document.");
            }

            throw new PolicyLoadException(diagnostics.Items);
        }

        JsonNode? Json(YamlNode? node)
        {
            try
            {
                return node is null ? null : YamlJson.ToJson(node);
            }
            catch (YamlException e)
            {
                diagnostics.Add(e.Start, e.Message);
                return null;
            }
        }

        var baseFacts = Json(root.Find("facts"));
        var sequence = root.Sequence("cases", required: true);
        root.RejectUnknown("an example-case file");
        foreach (var item in sequence?.Children ?? [])
        {
            var fields = YamlFields.Of(item, "a case", diagnostics);
            if (fields is null)
            {
                continue;
            }

            var name = fields.String("name", required: true);
            var facts = YamlJson.Merge(baseFacts, Json(fields.Find("facts")));
            var expect = fields.Mapping("expect", required: true);
            var allowed = expect?.Boolean("allowed", required: true);
            var failed = expect?.Strings("failed", required: false, allowEmpty: true);
            expect?.RejectUnknown("'expect'");
            fields.RejectUnknown("a case");
            var parsed = Facts(facts, item, diagnostics);
            if (name is not null && allowed is not null && parsed is not null)
            {
                cases.Add(new PolicyCase(file, item.Start.Line, name, parsed, allowed.Value, failed));
            }
        }

        return diagnostics.Count > 0 ? throw new PolicyLoadException(diagnostics.Items) : cases;
    }

    public static PolicyCaseResult Run(PolicySet policySet, PolicyCase example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var decision = PolicyEngine.Evaluate(policySet, example.Facts);
        var failed = decision.Failures.Select(f => $"{f.Policy}/{f.Rule}").ToList();
        string? mismatch = null;
        if (decision.Allowed != example.ExpectAllowed)
        {
            mismatch = $"expected {(example.ExpectAllowed ? "allowed" : "denied")}, got {decision.Summary}";
        }
        else if (example.ExpectFailed is { } expected
                 && !expected.Order(StringComparer.Ordinal).SequenceEqual(failed.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            mismatch = $"expected failing rules [{string.Join(", ", expected)}], got [{string.Join(", ", failed)}]";
        }

        return new PolicyCaseResult(example, mismatch is null, decision, mismatch);
    }

    /// <summary>Loads the set of <paramref name="directory"/> and runs every example case kept beside it.</summary>
    public static IReadOnlyList<PolicyCaseResult> RunDirectory(string directory)
    {
        var set = PolicySet.Load(directory);
        return
        [
            .. Files(directory)
                .SelectMany(path => Read(Path.GetFileName(path), PolicyText.Decode(Path.GetFileName(path), File.ReadAllBytes(path))))
                .Select(c => Run(set, c)),
        ];
    }

    private static PolicyFacts? Facts(JsonNode? node, YamlNode item, Diagnostics diagnostics)
    {
        if (node is null)
        {
            diagnostics.Add(item, "the case has no facts (neither its own nor the file's).");
            return null;
        }

        try
        {
            return node.Deserialize<PolicyFacts>(FactsJson)
                   ?? throw new JsonException("the facts are null");
        }
        catch (JsonException e)
        {
            diagnostics.Add(item, $"the facts do not fit the input document: {e.Message}");
            return null;
        }
    }
}
