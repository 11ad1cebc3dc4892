using MlLedger.Policies.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlLedger.Policies.Documents;

/// <summary>The parameters of each rule kind, validated at load time.</summary>
internal static class RuleReaders
{
    public static PolicyRule? Read(string kind, string id, string? description, YamlFields fields, string text) => kind switch
    {
        RuleKinds.Evaluation => Evaluation(id, description, fields),
        RuleKinds.Datasets => Datasets(id, description, fields),
        RuleKinds.Approvals => Approvals(id, description, fields),
        RuleKinds.StageHistory => StageHistory(id, description, fields),
        RuleKinds.Artifact => new ArtifactRule(id, description),
        RuleKinds.Expression => Expression(id, description, fields, text),
        _ => null,
    };

    private static EvaluationRule? Evaluation(string id, string? description, YamlFields fields)
    {
        var metric = fields.String("metric", required: true);
        var op = fields.OneOf("op", required: true, ">=", "<=");
        var threshold = fields.Number("threshold", required: true);
        DatasetSelector? selector = null;
        if (fields.Mapping("dataset", required: true) is { } dataset)
        {
            var tags = dataset.Strings("tags", required: false) ?? [];
            var name = dataset.String("name", required: false);
            dataset.RejectUnknown("'dataset'");
            if (tags.Count == 0 && name is null)
            {
                dataset.Diagnostics.Add(dataset.Node, "'dataset' must select by 'tags', 'name' or both.");
            }
            else
            {
                selector = new DatasetSelector(tags, name);
            }
        }

        return metric is null || op is null || threshold is null || selector is null
            ? null
            : new EvaluationRule(id, description, metric, op, threshold.Value, selector);
    }

    private static DatasetsRule? Datasets(string id, string? description, YamlFields fields)
    {
        var checks = fields.Strings("checksPassed", required: false) ?? [];
        var licenses = fields.Strings("licenses", required: false);
        var personalData = fields.OneOf("personalData", required: false, "forbidden", "allowed") ?? "forbidden";
        var allowNone = fields.Boolean("allowNoTrainingData", required: false) ?? false;
        return new DatasetsRule(id, description, checks, licenses, personalData == "allowed", allowNone);
    }

    private static ApprovalsRule? Approvals(string id, string? description, YamlFields fields)
    {
        var count = fields.Integer("count", required: true, minimum: 1);
        IReadOnlyList<string> anyOf = [];
        IReadOnlyList<string> eachOf = [];
        if (fields.Mapping("roles", required: false) is { } roles)
        {
            anyOf = roles.Strings("anyOf", required: false) ?? [];
            eachOf = roles.Strings("eachOf", required: false) ?? [];
            roles.RejectUnknown("'roles'");
            if (anyOf.Count == 0 && eachOf.Count == 0)
            {
                roles.Diagnostics.Add(roles.Node, "'roles' must name 'anyOf', 'eachOf' or both.");
            }
        }

        return count is null ? null : new ApprovalsRule(id, description, count.Value, anyOf, eachOf);
    }

    private static StageHistoryRule? StageHistory(string id, string? description, YamlFields fields)
    {
        var stage = fields.OneOf("stage", required: true, "staging", "production");
        var text = fields.String("atLeast", required: true);
        TimeSpan duration = default;
        if (text is not null && !Durations.TryParse(text, out duration))
        {
            fields.Diagnostics.Add(fields.Find("atLeast")!, $"'atLeast' is '{text}'; write a duration such as 24h, 7d or 1h30m.");
            return null;
        }

        return stage is null || text is null ? null : new StageHistoryRule(id, description, stage, duration);
    }

    private static ExpressionRule? Expression(string id, string? description, YamlFields fields, string text)
    {
        var expression = fields.String("expression", required: true);
        var message = fields.String("message", required: false);
        if (expression is null)
        {
            return null;
        }

        var program = CelCompiler.Compile(expression, out var error);
        if (error is not null)
        {
            var node = (YamlScalarNode)fields.Find("expression")!;
            fields.Diagnostics.Add(PositionIn(node, text, error), $"the CEL expression does not compile: {error.Message}");
            return null;
        }

        return new ExpressionRule(id, description, expression, message, program!);
    }

    /// <summary>Where an error at (line, column) of an expression sits in the file.</summary>
    private static Mark PositionIn(YamlScalarNode node, string text, CelSyntaxError error)
    {
        var start = node.Start;
        switch (node.Style)
        {
            case ScalarStyle.Literal or ScalarStyle.Folded:
                {
                    // block scalars start on the line after the indicator; find that line's indentation
                    var lines = text.Split('\n');
                    var index = (int)start.Line + error.Line - 1;
                    if (index < lines.Length)
                    {
                        var indent = lines[index].Length - lines[index].TrimStart(' ').Length;
                        return new Mark(0, index + 1, indent + error.Column);
                    }

                    return start;
                }

            case ScalarStyle.Plain when error.Line == 1:
                return new Mark(0, start.Line, start.Column + error.Column - 1);
            case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted when error.Line == 1:
                return new Mark(0, start.Line, start.Column + error.Column);
            default:
                return start;
        }
    }
}
