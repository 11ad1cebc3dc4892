using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using static MlLedger.Api.Tests.Fuzz.FuzzValues;

namespace MlLedger.Api.Tests.Fuzz;

/// <summary>
/// Malformed requests from a fixed seed: the same seed gives the same requests, in the same order. Each request
/// breaks one thing about a valid request for its endpoint (its JSON, a field's type or value, its size, its
/// encoding, its content type, a route parameter or a header); a few of these may still be valid.
/// </summary>
public sealed class MalformedRequests(IReadOnlyList<FuzzTarget> targets, int seed, long maxBodyBytes)
{
    public static readonly string[] Categories =
    [
        "broken-json", "wrong-type", "huge-body", "deep-nesting", "invalid-utf8", "odd-digest", "injection", "odd-keys",
        "content-type", "duplicate-key", "number-range", "field-mutation", "path-param", "headers", "number-edge", "unicode-edge",
    ];

    private readonly Random _random = new(seed);

    public IEnumerable<FuzzCase> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var category = Categories[i % Categories.Length];
            var target = targets[_random.Next(targets.Count)];
            yield return Make(category, target);
        }
    }

    private FuzzCase Make(string category, FuzzTarget target)
    {
        var valid = target.Valid ?? [];
        var json = "application/json";
        return category switch
        {
            "broken-json" => Case(category, target, BrokenJson(Text(valid))),
            "wrong-type" => Case(category, target, Text(With(valid, Field(valid), Pick(WrongValues())))),
            "huge-body" => HugeBody(target, valid),
            "deep-nesting" => Case(category, target, Text(With(valid, Field(valid), null)).Replace("null", Nested(), StringComparison.Ordinal)),
            "invalid-utf8" => new FuzzCase(category, target.Route, target.Path, InvalidUtf8(Text(valid)), json, false, []),
            "odd-digest" => Case(category, target, Text(With(valid, DigestField(valid), Pick(OddDigests)), raw: Chance())),
            "injection" => Case(category, target, Text(With(valid, StringField(valid), Pick(Injections)), raw: Chance())),
            "odd-keys" => Case(category, target, OddKeys(valid)),
            "content-type" => new FuzzCase(category, target.Route, target.Path, Bytes(Chance() ? Text(valid) : "name=a&version=1"),
                _random.Next(4) == 0 ? null : Pick(ContentTypes), false, []),
            "duplicate-key" => Case(category, target, DuplicateKey(valid)),
            "number-range" => Case(category, target, NumberOutOfRange(valid)),
            "field-mutation" => Case(category, target, Text(Chance() ? Without(valid, Field(valid)) : With(valid, Field(valid), Pick(EdgeStrings)))),
            "path-param" => PathParam(target, valid),
            "headers" => OddHeaders(target, valid),
            "number-edge" => Case(category, target, Placed(valid, Pick(EdgeNumbers))),
            "unicode-edge" => Case(category, target, Placed(valid, $"\"{Pick(EdgeUnicode)}\"", keyToo: true)),
            _ => throw new ArgumentOutOfRangeException(nameof(category), category, "no such category"),
        };
    }

    private static FuzzCase Case(string category, FuzzTarget target, string body) =>
        new(category, target.Route, target.Path, Bytes(body), "application/json", false, []);

    private FuzzCase HugeBody(FuzzTarget target, JsonObject valid)
    {
        var size = (int)maxBodyBytes + _random.Next(1, 64 * 1024);
        var body = _random.Next(3) == 0
            ? $"[{string.Join(',', Enumerable.Repeat("\"t\"", size / 4))}]"
            : Text(With(valid, StringField(valid), new string('a', size)));
        return new FuzzCase("huge-body", target.Route, target.Path, Bytes(body), "application/json", Chunked: Chance(), []);
    }

    private string BrokenJson(string valid) => _random.Next(14) switch
    {
        0 => valid[..Math.Max(0, _random.Next(valid.Length))],
        1 => valid.Remove(_random.Next(valid.Length), 1),
        2 => valid.Insert(_random.Next(valid.Length), Pick(["{", "}", "[", "]", ",", ":", "\"", "\\", "\u0000"])),
        3 => valid + Pick(["}", "]", ",", "x", "{}", " garbage"]),
        4 => Pick(["", " ", "\n", "null", "[]", "\"x\"", "42", "true", "{", "}", "{}}", "[{}]"]),
        5 => valid.Replace('"', '\''),
        6 => valid.Replace("\":", ":", StringComparison.Ordinal),
        7 => valid.Insert(1, "/* comment */"),
        8 => valid.Insert(valid.Length - 1, ","),
        9 => valid.Replace(":", "=", StringComparison.Ordinal),
        10 => $"{valid}{valid}",
        11 => valid.Replace("\"", "", StringComparison.Ordinal),
        12 => valid.Insert(_random.Next(valid.Length), "\\x41"),
        _ => $"[{valid}]",
    };

    private static JsonNode?[] WrongValues() =>
        [42, -1, 3.14, true, false, null, new JsonArray(), new JsonObject(), new JsonArray("a"), new JsonObject { ["a"] = 1 }, "text"];

    private string Nested()
    {
        var depth = Pick([65, 100, 1000, 20_000]);
        return Chance() ? $"{new string('[', depth)}{new string(']', depth)}" : $"{string.Concat(Enumerable.Repeat("{\"a\":", depth))}1{new string('}', depth)}";
    }

    private byte[] InvalidUtf8(string valid)
    {
        byte[][] sequences = [[0xFF], [0xC0, 0xAF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xFE, 0xFF]];
        var bytes = Bytes(valid).ToList();
        var quotes = bytes.Select((b, i) => (b, i)).Where(x => x.b == (byte)'"').Select(x => x.i + 1).ToList();
        var at = quotes.Count > 0 && Chance() ? quotes[_random.Next(quotes.Count)] : _random.Next(bytes.Count + 1);
        bytes.InsertRange(at, Pick(sequences));
        return [.. bytes];
    }

    /// <summary>A number field (or a metric of an object field, e.g. metrics.auc) given a token no number type holds.</summary>
    private string NumberOutOfRange(JsonObject valid)
    {
        const string marker = "\u0001";
        var field = NumberField(valid);
        JsonNode value = valid[field] is JsonObject inner ? new JsonObject { [inner.Count == 0 ? "m" : inner.First().Key] = marker } : marker;
        return Text(With(valid, field, value)).Replace("\"\\u0001\"", Pick(NumberTokens), StringComparison.Ordinal);
    }

    /// <summary>
    /// The body with a raw JSON token put where values go: in place of a field, inside an object field (metrics.auc,
    /// parameters), nested in arrays and objects of a free-form field, or (for text) as a member name.
    /// </summary>
    private string Placed(JsonObject valid, string token, bool keyToo = false)
    {
        const string marker = "\u0001marker";
        var copy = valid.DeepClone().AsObject();
        var field = Field(valid);
        string text;
        switch (_random.Next(keyToo ? 5 : 4))
        {
            case 0:
                copy[field] = marker;
                break;
            case 1 when copy[field] is JsonObject inner:
                inner[inner.Count == 0 ? "m" : inner.First().Key] = marker;
                break;
            case 2:
                copy["parameters"] = new JsonObject { ["p"] = new JsonArray(1, new JsonObject { ["deep"] = new JsonArray(marker) }) };
                break;
            case 4:
                text = Text(With(valid, "parameters", new JsonObject { ["\u0001key"] = 1 }));
                return text.Replace("\"\\u0001key\"", token, StringComparison.Ordinal);
            default:
                copy[field] = new JsonArray(marker, marker);
                break;
        }

        return Text(copy).Replace($"\"{JsonEncodedText.Encode(marker)}\"", token, StringComparison.Ordinal);
    }

    private string OddKeys(JsonObject valid)
    {
        var text = Text(valid);
        var extra = Pick(["\"__proto__\":{\"admin\":true}", "\"constructor\":{\"prototype\":{}}", "\"\":1", "\"\\u0000\":1",
            $"\"{new string('k', 5000)}\":1", "\"actor\":\"admin\"", "\"approver\":\"mallory\"", "\"roles\":[\"admin\"]", "\"$type\":\"System.Object\""]);
        return text.Length <= 2 ? $"{{{extra}}}" : text.Insert(1, $"{extra},");
    }

    private string DuplicateKey(JsonObject valid)
    {
        var field = Field(valid);
        var bad = JsonSerializer.Serialize(Pick(EdgeStrings));
        var text = Text(valid);
        return text.Length <= 2 ? $"{{\"{field}\":1,\"{field}\":{bad}}}" : Chance()
            ? text.Insert(text.Length - 1, $",\"{field}\":{bad}")
            : text.Insert(1, $"\"{field}\":{bad},");
    }

    private FuzzCase PathParam(FuzzTarget target, JsonObject valid)
    {
        var segments = target.Route.Split('/');
        var parameters = segments.Select((s, i) => (s, i)).Where(x => x.s.StartsWith('{')).Select(x => x.i).ToList();
        var path = target.Path.Split('/');
        var body = Chance() ? Text(valid) : Text(With(valid, Field(valid), Pick(EdgeStrings)));
        if (parameters.Count == 0)
        {
            return new FuzzCase("path-param", target.Route, $"{target.Path}?{Pick(["__proto__=1", "x=%00", "id=..%2F", "q=%FF"])}", Bytes(body), "application/json", false, []);
        }

        path[Pick(parameters)] = Pick(PathValues);
        return new FuzzCase("path-param", target.Route, string.Join('/', path), Bytes(body), "application/json", false, []);
    }

    private FuzzCase OddHeaders(FuzzTarget target, JsonObject valid)
    {
        var header = Chance()
            ? new KeyValuePair<string, string>("Idempotency-Key", Pick([new string('k', 201), "", " ", "\t", "a b", "a\tb", "\"quoted\"", "k" + _random.Next()]))
            : new KeyValuePair<string, string>("If-Match", Pick(["*", "\"99999999999999999999\"", "W/\"1\"", "\"1\", \"2\"", "\"-0\"", "\"+1\"", "\"1 \"", "\"0\"", "W/", "\"", "\"1\"\"", "\"0x1\""]));
        return new FuzzCase("headers", target.Route, target.Path, Bytes(Text(valid)), "application/json", false, [header]);
    }

    private static string Text(JsonNode node, bool raw = false) =>
        node.ToJsonString(raw ? new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping } : JsonSerializerOptions.Default);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonObject With(JsonObject valid, string field, JsonNode? value)
    {
        var copy = valid.DeepClone().AsObject();
        copy[field] = value?.DeepClone();
        return copy;
    }

    private static JsonObject Without(JsonObject valid, string field)
    {
        var copy = valid.DeepClone().AsObject();
        copy.Remove(field);
        return copy;
    }

    private string Field(JsonObject valid) => valid.Count == 0 ? "reason" : valid.ElementAt(_random.Next(valid.Count)).Key;

    private string StringField(JsonObject valid) => PickOr(valid.Where(p => p.Value?.GetValueKind() == JsonValueKind.String).Select(p => p.Key), valid);

    private string DigestField(JsonObject valid) => PickOr(valid.Select(p => p.Key).Where(k => k.Contains("sha256", StringComparison.OrdinalIgnoreCase)), valid);

    private string NumberField(JsonObject valid) => PickOr(valid.Where(p => p.Value?.GetValueKind() is JsonValueKind.Number or JsonValueKind.Object).Select(p => p.Key), valid);

    private string PickOr(IEnumerable<string> fields, JsonObject valid) => fields.ToList() is { Count: > 0 } list ? Pick(list) : Field(valid);

    private T Pick<T>(IReadOnlyList<T> options) => options[_random.Next(options.Count)];

    private bool Chance() => _random.Next(2) == 0;
}
