using MlLedger.Domain;
using MlLedger.Domain.Deployments;
using MlLedger.Policies.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlLedger.Policies.Documents;

/// <summary>What one policy file holds: a policy or the environment-to-stage mapping, or only problems.</summary>
public sealed record ParsedFile(string File, Policy? Policy, EnvironmentStages? Environments, IReadOnlyList<PolicyDiagnostic> Diagnostics);

/// <summary>
/// Reads one YAML policy file into a compiled document. Every problem is reported with its line and column;
/// nothing unknown is skipped: an unknown key, rule kind or parameter is an error.
/// </summary>
public static class PolicyFileParser
{
    public const string ApiVersion = "mlledger.dev/v1";
    public const string PolicyKind = "Policy";
    public const string EnvironmentStagesKind = "EnvironmentStages";

    private static readonly string[] TargetStages = ["staging", "production"];
    private static readonly string[] AllStages = ["none", "staging", "production"];

    public static ParsedFile Parse(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(text);
        var diagnostics = new Diagnostics(file);
        var root = Load(text, diagnostics);
        if (root is null)
        {
            return new ParsedFile(file, null, null, diagnostics.Items);
        }

        var fields = YamlFields.Of(root, "a policy document", diagnostics);
        if (fields is null)
        {
            return new ParsedFile(file, null, null, diagnostics.Items);
        }

        var apiVersion = fields.String("apiVersion", required: true);
        if (apiVersion is not null && apiVersion != ApiVersion)
        {
            diagnostics.Add(fields.Find("apiVersion")!, $"'apiVersion' is '{apiVersion}'; this ledger reads '{ApiVersion}'.");
        }

        var kind = fields.OneOf("kind", required: true, PolicyKind, EnvironmentStagesKind);
        var id = fields.String("id", required: true, YamlFields.Identifier(), "an identifier (lower-case letters, digits, '.', '_', '-')");
        var version = fields.String("version", required: true);
        var description = fields.String("description", required: false);
        Policy? policy = null;
        EnvironmentStages? environments = null;
        if (kind == PolicyKind)
        {
            var appliesTo = ReadAppliesTo(fields);
            var rules = ReadRules(fields, text);
            fields.RejectUnknown("a policy");
            if (diagnostics.Count == 0)
            {
                policy = new Policy(file, id!, version!, description, appliesTo!, rules);
            }
        }
        else if (kind == EnvironmentStagesKind)
        {
            var rules = ReadEnvironments(fields);
            fields.RejectUnknown("an environment-to-stage mapping");
            if (diagnostics.Count == 0)
            {
                environments = new EnvironmentStages(rules);
            }
        }

        return new ParsedFile(file, policy, environments, diagnostics.Items);
    }

    private static YamlNode? Load(string text, Diagnostics diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            diagnostics.Add(e.Start, $"not valid YAML: {e.Message}");
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            diagnostics.Add(new Mark(), $"a policy file holds exactly one YAML document, not {stream.Documents.Count}.");
            return null;
        }

        var root = stream.Documents[0].RootNode;
        if (root.AllNodes.FirstOrDefault(n => !n.Anchor.IsEmpty) is { } anchored)
        {
            diagnostics.Add(anchored, "anchors and aliases are not supported in policy files: write each value out.");
            return null;
        }

        return root;
    }

    private static AppliesTo? ReadAppliesTo(YamlFields document)
    {
        var fields = document.Mapping("appliesTo", required: true);
        if (fields is null)
        {
            return null;
        }

        var stages = fields.Strings("stages", required: true);
        foreach (var (stage, node) in Zip(stages, fields.Find("stages")))
        {
            if (!TargetStages.Contains(stage, StringComparer.Ordinal))
            {
                fields.Diagnostics.Add(node, $"stage '{stage}' is not a promotion target; expected one of: {string.Join(", ", TargetStages)}.");
            }
        }

        var models = fields.Strings("models", required: false) ?? ["*"];
        var tiers = fields.Strings("riskTiers", required: false);
        fields.RejectUnknown("'appliesTo'");
        return stages is null ? null : new AppliesTo(stages, models, tiers);
    }

    private static List<PolicyRule> ReadRules(YamlFields document, string text)
    {
        var rules = new List<PolicyRule>();
        var sequence = document.Sequence("rules", required: true);
        if (sequence is null)
        {
            return rules;
        }

        if (sequence.Children.Count == 0)
        {
            document.Diagnostics.Add(sequence, "'rules' must not be empty: a policy without rules would allow everything it applies to.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in sequence.Children)
        {
            var fields = YamlFields.Of(item, "a rule", document.Diagnostics);
            if (fields is null)
            {
                continue;
            }

            var id = fields.String("id", required: true, YamlFields.Identifier(), "an identifier (lower-case letters, digits, '.', '_', '-')");
            if (id is not null && !ids.Add(id))
            {
                fields.Diagnostics.Add(fields.Find("id")!, $"rule id '{id}' is used twice in this policy.");
            }

            var kind = fields.String("kind", required: true);
            var description = fields.String("description", required: false);
            if (kind is not null && !RuleKinds.All.Contains(kind, StringComparer.Ordinal))
            {
                fields.Diagnostics.Add(fields.Find("kind")!, $"unknown rule kind '{kind}'; the kinds are: {string.Join(", ", RuleKinds.All)}.");
                continue;
            }

            if (kind is null)
            {
                continue; // without a kind there is no telling which keys are parameters
            }

            var errorsBefore = fields.Diagnostics.Count;
            var rule = RuleReaders.Read(kind, id ?? "", description, fields, text);
            fields.RejectUnknown($"a rule of kind '{kind}'");
            if (rule is not null && id is not null && fields.Diagnostics.Count == errorsBefore)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    private static List<EnvironmentStageRule> ReadEnvironments(YamlFields document)
    {
        var rules = new List<EnvironmentStageRule>();
        var sequence = document.Sequence("environments", required: true);
        if (sequence is null)
        {
            return rules;
        }

        if (sequence.Children.Count == 0)
        {
            document.Diagnostics.Add(sequence, "'environments' must not be empty: every deployment would be refused.");
        }

        foreach (var item in sequence.Children)
        {
            var fields = YamlFields.Of(item, "an environment rule", document.Diagnostics);
            if (fields is null)
            {
                continue;
            }

            var pattern = fields.String("pattern", required: true);
            if (pattern is not null && EnvironmentStageRule.PatternProblem(pattern) is { } problem)
            {
                fields.Diagnostics.Add(fields.Find("pattern")!, problem);
                pattern = null;
            }

            var stage = fields.OneOf("stage", required: true, AllStages);
            fields.RejectUnknown("an environment rule");
            if (pattern is not null && stage is not null && StageNames.TryParse(stage, out var parsed))
            {
                rules.Add(new EnvironmentStageRule(pattern, parsed));
            }
        }

        return rules;
    }

    private static IEnumerable<(string Value, YamlNode Node)> Zip(IReadOnlyList<string>? values, YamlNode? node) =>
        values is not null && node is YamlSequenceNode sequence
            ? values.Zip(sequence.Children, (v, n) => (v, n))
            : [];
}
