using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlLedger.Policies.Documents;

/// <summary>
/// Reads the fields of one YAML mapping with a position for every complaint. Each field read is remembered, so
/// <see cref="RejectUnknown"/> can name keys nobody asked for: a misspelt parameter is an error, never ignored.
/// </summary>
internal sealed partial class YamlFields
{
    private readonly YamlMappingNode _node;
    private readonly Diagnostics _diagnostics;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private YamlFields(YamlMappingNode node, Diagnostics diagnostics)
    {
        _node = node;
        _diagnostics = diagnostics;
    }

    /// <summary>The mapping at <paramref name="node"/>, or null (with a diagnostic) when it is something else.</summary>
    public static YamlFields? Of(YamlNode node, string what, Diagnostics diagnostics)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlFields(mapping, diagnostics);
        }

        diagnostics.Add(node, $"{what} must be a mapping of keys to values.");
        return null;
    }

    public YamlMappingNode Node => _node;

    public Diagnostics Diagnostics => _diagnostics;

    public bool Has(string key) => Find(key) is not null;

    public YamlNode? Find(string key)
    {
        _read.Add(key);
        foreach (var (k, v) in _node.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && string.Equals(name, key, StringComparison.Ordinal))
            {
                return v;
            }
        }

        return null;
    }

    public string? String(string key, bool required, Regex? pattern = null, string? patternText = null)
    {
        if (Present(key, required) is not { } node)
        {
            return null;
        }

        if (node is not YamlScalarNode { Value: { } value } || IsNull(node))
        {
            _diagnostics.Add(node, $"'{key}' must be a text value.");
            return null;
        }

        if (value.Length == 0)
        {
            _diagnostics.Add(node, $"'{key}' must not be empty.");
            return null;
        }

        if (pattern is not null && !pattern.IsMatch(value))
        {
            _diagnostics.Add(node, $"'{key}' is '{value}', which is not {patternText}.");
            return null;
        }

        return value;
    }

    public string? OneOf(string key, bool required, params string[] allowed)
    {
        var value = String(key, required);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            _diagnostics.Add(Find(key)!, $"'{key}' is '{value}'; expected one of: {string.Join(", ", allowed)}.");
            return null;
        }

        return value;
    }

    public double? Number(string key, bool required)
    {
        if (Present(key, required) is not { } node)
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            return number;
        }

        _diagnostics.Add(node, $"'{key}' must be a number, not {Describe(node)}.");
        return null;
    }

    public int? Integer(string key, bool required, int minimum)
    {
        if (Present(key, required) is not { } node)
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number >= minimum)
            {
                return number;
            }

            _diagnostics.Add(node, $"'{key}' is {number}; it must be at least {minimum}.");
            return null;
        }

        _diagnostics.Add(node, $"'{key}' must be a whole number, not {Describe(node)}.");
        return null;
    }

    public bool? Boolean(string key, bool required)
    {
        if (Present(key, required) is not { } node)
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        _diagnostics.Add(node, $"'{key}' must be true or false, not {Describe(node)}.");
        return null;
    }

    /// <summary>A list of non-empty text values; null when absent (or invalid, with a diagnostic).</summary>
    public IReadOnlyList<string>? Strings(string key, bool required, bool allowEmpty = false)
    {
        if (Sequence(key, required) is not { } sequence)
        {
            return null;
        }

        var values = new List<string>();
        var ok = true;
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value } && !IsNull(item))
            {
                values.Add(value);
            }
            else
            {
                _diagnostics.Add(item, $"every item of '{key}' must be a non-empty text value.");
                ok = false;
            }
        }

        if (ok && values.Count == 0 && !allowEmpty)
        {
            _diagnostics.Add(sequence, $"'{key}' must not be empty.");
            return null;
        }

        return ok ? values : null;
    }

    public YamlSequenceNode? Sequence(string key, bool required)
    {
        if (Present(key, required) is not { } node)
        {
            return null;
        }

        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        _diagnostics.Add(node, $"'{key}' must be a list, not {Describe(node)}.");
        return null;
    }

    public YamlFields? Mapping(string key, bool required)
    {
        if (Present(key, required) is not { } node)
        {
            return null;
        }

        return Of(node, $"'{key}'", _diagnostics);
    }

    /// <summary>The value at <paramref name="key"/>; when it is absent, null, and a diagnostic if it is required.</summary>
    private YamlNode? Present(string key, bool required)
    {
        var node = Find(key);
        if (node is null && required)
        {
            _diagnostics.Add(_node, $"'{key}' is required.");
        }

        return node;
    }

    /// <summary>Reports every key that was never asked for, naming what is allowed.</summary>
    public void RejectUnknown(string where)
    {
        foreach (var (key, _) in _node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!_read.Contains(name))
            {
                _diagnostics.Add(key, $"unknown key '{name}' in {where}; allowed: {string.Join(", ", _read.Order(StringComparer.Ordinal))}.");
            }
        }
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when IsNull(s) => "null",
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "an alias",
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$", RegexOptions.CultureInvariant)]
    public static partial Regex Identifier();
}

/// <summary>The problems found in one file, in the order found.</summary>
internal sealed class Diagnostics(string file)
{
    private readonly List<PolicyDiagnostic> _items = [];

    public string File { get; } = file;

    public IReadOnlyList<PolicyDiagnostic> Items => _items;

    public int Count => _items.Count;

    public void Add(YamlNode node, string message) => Add(node.Start, message);

    public void Add(Mark mark, string message) => _items.Add(new PolicyDiagnostic(File, Math.Max(mark.Line, 1), Math.Max(mark.Column, 1), message));
}
