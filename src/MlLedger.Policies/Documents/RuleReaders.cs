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
        return node.Style switch
        {
            // block scalars start on the line after the indicator
            ScalarStyle.Literal or ScalarStyle.Folded => Locate(node.Value ?? "", error, text, (int)start.Line, 0) ?? start,
            ScalarStyle.Plain => Locate(node.Value ?? "", error, text, (int)start.Line - 1, (int)start.Column - 1) ?? start,
            ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted when error.Line == 1 => new Mark(0, start.Line, start.Column + error.Column),
            _ => start,
        };
    }

    /// <summary>
    /// Folding and indentation change only the whitespace of plain and block scalars: the n-th non-blank character
    /// of the value is the n-th non-blank character of the file from where the value starts (0-based line and column).
    /// An error past the last character (an incomplete expression) is placed just after it.
    /// </summary>
    private static Mark? Locate(string value, CelSyntaxError error, string text, int line, int column)
    {
        var total = value.Count(c => !IsBlank(c));
        if (total == 0)
        {
            return null;
        }

        var offset = 0;
        for (var l = 1; l < error.Line && offset < value.Length; l++)
        {
            var newline = value.IndexOf('\n', offset);
            offset = newline < 0 ? value.Length : newline + 1;
        }

        offset = Math.Min(offset + error.Column - 1, value.Length);
        var target = value.Take(offset).Count(c => !IsBlank(c));
        var after = target >= total;
        var lines = text.Split('\n');
        var seen = 0;
        for (; line < lines.Length; line++, column = 0)
        {
            for (; column < lines[line].Length; column++)
            {
                if (!IsBlank(lines[line][column]) && seen++ == (after ? total - 1 : target))
                {
                    return new Mark(0, line + 1, column + (after ? 2 : 1));
                }
            }
        }

        return null;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\n' or '\r';
}
