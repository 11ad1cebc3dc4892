using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlLedger.Api.Storage;

/// <summary>
/// The one rule for what a JSON value in the ledger may be, at any depth of any field: checked on every request body
/// before it is bound, and again on every event before it is sealed. A number must fit
/// <see cref="JsonbText.MaxNumberChars"/> characters as PostgreSQL stores it (which bounds its magnitude, exponent and
/// digits); a string must be valid Unicode (no lone surrogate) without NUL, which PostgreSQL cannot store.
/// </summary>
public static class StorableValues
{
    /// <summary>Problems named in one answer; the rest are not looked for.</summary>
    public const int MaxProblems = 20;

    public static readonly string NumberRule =
        $"numbers must take at most {JsonbText.MaxNumberChars} characters in plain decimal, as the ledger stores them " +
        "(sign included: about 1e-62 to 1e63 in magnitude, or 0; send values outside that range as strings)";

    /// <summary>Why a number literal cannot be stored, or null when it can.</summary>
    public static string? NumberProblem(ReadOnlySpan<byte> literal) =>
        JsonbText.NumberLength(literal) is { } length && length <= JsonbText.MaxNumberChars
            ? null
            : $"{Shown(literal)} would be stored as {Describe(JsonbText.NumberLength(literal))}; {NumberRule}.";

    /// <summary>Why a string cannot be stored, or null when it can.</summary>
    public static string? StringProblem(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\0')
            {
                return "holds a NUL character (\\u0000), which the ledger cannot store.";
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    i++;
                    continue;
                }

                return $"holds a lone surrogate (\\u{(int)c:x4}): not valid Unicode text.";
            }
        }

        return null;
    }

    /// <summary>The first values of <paramref name="node"/> that cannot be stored, by path (<c>parameters.lr</c>, <c>tags[2]</c>).</summary>
    public static void Check(JsonNode? node, string path, Dictionary<string, string[]> problems, int max)
    {
        if (problems.Count >= max)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var at = Path.Member(path, key);
                    if (StringProblem(key) is { } keyProblem)
                    {
                        problems.TryAdd(at, [$"The name {keyProblem}"]);
                    }

                    Check(value, at, problems, max);
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    Check(array[i], Path.Element(path, i), problems, max);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                if (NumberProblem(Encoding.UTF8.GetBytes(value.ToJsonString())) is { } numberProblem)
                {
                    problems.TryAdd(path, [$"The number {numberProblem}"]);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                if (StringProblem(value.GetValue<string>()) is { } stringProblem)
                {
                    problems.TryAdd(path, [$"The text {stringProblem}"]);
                }

                break;
        }
    }

    private static string Shown(ReadOnlySpan<byte> literal) =>
        literal.Length <= 40 ? Encoding.UTF8.GetString(literal) : $"{Encoding.UTF8.GetString(literal[..37])}...";

    private static string Describe(long? length) => length switch
    {
        null => "no number",
        > 1_000_000 => "more than a million characters",
        { } n => $"{n} characters",
    };

    /// <summary>Field paths as problem details name them: camelCase members joined by '.', elements as [i], odd names quoted.</summary>
    public static class Path
    {
        public static string Member(string parent, string name)
        {
            bool plain = name.Length is > 0 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
            var part = plain ? name : $"[\"{Escaped(name)}\"]";
            return parent.Length == 0 ? (plain ? part : $"${part}") : plain ? $"{parent}.{part}" : parent + part;
        }

        public static string Element(string parent, int index) => $"{(parent.Length == 0 ? "$" : parent)}[{index}]";

        /// <summary>
        /// A name as printable ASCII: anything else as \uXXXX, so that a path can always be written into an answer. (A name
        /// that is not valid Unicode is given as it was escaped in the request, e.g. <c>\udfff</c>.)
        /// </summary>
        private static string Escaped(string name)
        {
            var text = new StringBuilder(Math.Min(name.Length, 64) + 8);
            foreach (char c in name.Length <= 64 ? name : name[..64])
            {
                text.Append(c is >= ' ' and < (char)0x7F and not '"' ? c.ToString() : $"\\u{(int)c:x4}");
            }

            return name.Length <= 64 ? text.ToString() : text.Append("...").ToString();
        }
    }
}
