using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Api.Storage;
using MlLedger.Api.Tests.Infrastructure;
using Npgsql;

namespace MlLedger.Api.Tests.Storage;

/// <summary>
/// The lengths the ledger computes for values stored as jsonb are the lengths PostgreSQL itself gives back: numbers
/// at every edge and generated at random (fixed seed), and generated documents of every kind of character.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class JsonbTextTests(PostgresFixture postgres)
{
    public static readonly TheoryData<string> EdgeNumbers = new(
        "0", "-0", "0.0", "-0.0", "0e-5", "0.000", "1", "-1", "1e3", "1E+3", "1.5e1", "1.50e1", "1.500e-2", "123.456e-1", "100e-2",
        "1e62", "-1e62", "1e63", "1e-62", "-1e-62", "1e-63", "9.99e62", "1.2345678901234567E-50", "5e-324", "1E+300",
        "-1.7976931348623157e308", "18446744073709551615", "0.0000000000000000000000000001", "1e-16383", "0e-16383",
        "12345678901234567890.12345678901234567890", "0.10", "10.0e-1", "1e131071");

    [Theory]
    [MemberData(nameof(EdgeNumbers))]
    public async Task A_number_is_as_long_as_PostgreSQL_prints_it(string literal)
    {
        Assert.Equal(await StoredLength(literal), JsonbText.NumberLength(Encoding.ASCII.GetBytes(literal)));
    }

    [Fact]
    public async Task Random_numbers_are_as_long_as_PostgreSQL_prints_them()
    {
        var random = new Random(20261207);
        var literals = Enumerable.Range(0, 2000).Select(_ => RandomNumber(random)).ToList();
        var printed = await StoredLengths(literals);
        for (int i = 0; i < literals.Count; i++)
        {
            Assert.True(printed[i] == JsonbText.NumberLength(Encoding.ASCII.GetBytes(literals[i])), $"{literals[i]}: PostgreSQL prints {printed[i]}");
        }
    }

    [Theory]
    [InlineData("1e")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("--1")]
    [InlineData("1e+")]
    [InlineData("0x10")]
    [InlineData("1 ")]
    public void Text_that_is_not_a_JSON_number_has_no_length(string literal) =>
        Assert.Null(JsonbText.NumberLength(Encoding.ASCII.GetBytes(literal)));

    [Fact]
    public async Task Documents_are_as_long_as_PostgreSQL_gives_them_back_and_their_escaped_form_is_within_the_bound()
    {
        var random = new Random(7);
        var documents = Enumerable.Range(0, 300).Select(_ => (JsonNode)RandomObject(random, depth: 0)).ToList();
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync();
        foreach (var document in documents)
        {
            await using var command = new NpgsqlCommand("SELECT $1::jsonb::text", connection);
            command.Parameters.AddWithValue(document.ToJsonString(Relaxed));
            var stored = (string)(await command.ExecuteScalarAsync())!;

            Assert.Equal(Encoding.UTF8.GetByteCount(stored), JsonbText.Length(document));
            Assert.True(EscapedBytes(stored) <= JsonbText.LengthInJsonString(document),
                $"{stored} takes {EscapedBytes(stored)} bytes escaped, over the bound {JsonbText.LengthInJsonString(document)}");
        }
    }

    [Fact]
    public void Every_character_escaped_again_stays_within_the_bound()
    {
        // one string per UTF-16 unit outside the surrogates, and a pair for the astral planes
        var units = Enumerable.Range(1, 0xFFFF).Where(c => !char.IsSurrogate((char)c)).Select(c => ((char)c).ToString()).Append("\U0001F600");
        foreach (var text in units)
        {
            var node = new JsonObject { ["k"] = text };
            var stored = $"{{\"k\": {PostgresEscaped(text)}}}";
            Assert.True(EscapedBytes(stored) <= JsonbText.LengthInJsonString(node), $"U+{char.ConvertToUtf32(text, 0):X4}");
        }
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The bytes of a text written as a JSON string the way audit bundle lines write the stored event, without the two
    /// quotes around it (a line's fixed allowance counts those).
    /// </summary>
    private static long EscapedBytes(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStringValue(text);
        }

        return buffer.WrittenCount - 2;
    }

    /// <summary>PostgreSQL's escape_json of a string (quotes, backslash, \b \f \n \r \t, other controls as \u00XX).</summary>
    private static string PostgresEscaped(string text)
    {
        var escaped = new StringBuilder("\"");
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '"' => "\\\"", '\\' => "\\\\", '\b' => "\\b", '\f' => "\\f", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return escaped.Append('"').ToString();
    }

    private async Task<long> StoredLength(string literal) => (await StoredLengths([literal]))[0];

    private async Task<List<long>> StoredLengths(IReadOnlyList<string> literals)
    {
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT length(v::jsonb::text) FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i", connection);
        command.Parameters.AddWithValue(literals.ToArray());
        var lengths = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lengths.Add(reader.GetInt32(0));
        }

        return lengths;
    }

    private static string RandomNumber(Random random)
    {
        var text = new StringBuilder();
        if (random.Next(3) == 0)
        {
            text.Append('-');
        }

        bool zero = random.Next(4) == 0;
        text.Append(zero ? "0" : random.Next(1, 10).ToString(CultureInfo.InvariantCulture));
        for (int i = zero ? 0 : random.Next(0, 6); i > 0; i--)
        {
            text.Append(random.Next(10));
        }

        if (random.Next(2) == 0)
        {
            text.Append('.');
            for (int i = random.Next(1, 8); i > 0; i--)
            {
                text.Append(random.Next(10));
            }
        }

        if (random.Next(2) == 0)
        {
            text.Append(random.Next(2) == 0 ? 'e' : 'E').Append(random.Next(3) switch { 0 => "+", 1 => "-", _ => "" })
                .Append(random.Next(0, 120));
        }

        return text.ToString();
    }

    private static readonly string[] Characters =
        ["a", "Z", "7", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\u0001", "\u001f", "\u007f", "\u0080", "\u009f", "é", "ß",
         "\u07ff", "\u0800", "€", "\u2028", "\ufeff", "\uffff", "😀", "\U0010FFFF", "<", ">", "&", "'", "+", "`"];

    private static string RandomText(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Characters[random.Next(Characters.Length)]));

    private static JsonObject RandomObject(Random random, int depth)
    {
        var obj = new JsonObject();
        foreach (var i in Enumerable.Range(0, random.Next(0, 5)))
        {
            obj[$"{RandomText(random)}{i}"] = RandomValue(random, depth + 1);
        }

        return obj;
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth > 3 ? 5 : 7) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => JsonNode.Parse(RandomNumber(random)),
        3 or 4 => RandomText(random),
        5 => new JsonArray(Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        _ => RandomObject(random, depth),
    };
}
