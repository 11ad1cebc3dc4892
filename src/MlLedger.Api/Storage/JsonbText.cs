using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlLedger.Api.Storage;

/// <summary>
/// How long PostgreSQL writes a value it holds as <c>jsonb</c> (Marten's <c>mt_events.data</c>, read back by every
/// read, export, report and verification). jsonb keeps numbers as <c>numeric</c> and prints them in plain decimal:
/// <c>1e62</c> comes back as 63 digits and <c>1e131071</c> as 131,072. The ledger bounds what it accepts by these
/// lengths, so that no stored entry can be larger than a fixed multiple of what was sent.
/// </summary>
public static class JsonbText
{
    /// <summary>
    /// The longest number the ledger accepts, written out as PostgreSQL stores it, sign included: 1e63 (64 digits) and
    /// 1e-62 (<c>0.</c>, 61 zeros, <c>1</c>) just fit, with fewer digits allowed as the magnitude moves away from 1.
    /// </summary>
    public const int MaxNumberChars = 64;

    /// <summary>
    /// The characters PostgreSQL prints for a JSON number literal (its <c>numeric</c> output: sign, integer digits,
    /// and as many fraction digits as the literal's scale), or null for text that is not a JSON number.
    /// <c>1.500e-2</c> prints as <c>0.01500</c> (7), <c>1e3</c> as <c>1000</c> (4), <c>-0.0</c> as <c>0.0</c> (3).
    /// </summary>
    public static long? NumberLength(ReadOnlySpan<byte> literal)
    {
        int i = 0;
        bool negative = i < literal.Length && literal[i] == (byte)'-';
        if (negative)
        {
            i++;
        }

        int integerStart = i;
        while (i < literal.Length && IsDigit(literal[i]))
        {
            i++;
        }

        int integerDigits = i - integerStart;
        int fractionDigits = 0;
        if (i < literal.Length && literal[i] == (byte)'.')
        {
            int fractionStart = ++i;
            while (i < literal.Length && IsDigit(literal[i]))
            {
                i++;
            }

            fractionDigits = i - fractionStart;
            if (fractionDigits == 0)
            {
                return null;
            }
        }

        if (integerDigits == 0)
        {
            return null;
        }

        long exponent = 0;
        if (i < literal.Length && (literal[i] | 0x20) == (byte)'e')
        {
            i++;
            bool negativeExponent = false;
            if (i < literal.Length && literal[i] is (byte)'+' or (byte)'-')
            {
                negativeExponent = literal[i] == (byte)'-';
                i++;
            }

            int exponentStart = i;
            while (i < literal.Length && IsDigit(literal[i]))
            {
                // saturates: an exponent past a billion prints far more than any bound anyway
                exponent = Math.Min(exponent * 10 + (literal[i] - '0'), 1_000_000_000L);
                i++;
            }

            if (i == exponentStart)
            {
                return null;
            }

            exponent = negativeExponent ? -exponent : exponent;
        }

        if (i != literal.Length)
        {
            return null;
        }

        // the digits written, integer part then fraction, and where the decimal point falls among them after the exponent
        int firstNonZero = -1;
        for (int d = 0, k = integerStart; k < integerStart + integerDigits + (fractionDigits > 0 ? fractionDigits + 1 : 0); k++)
        {
            if (literal[k] == (byte)'.')
            {
                continue;
            }

            if (literal[k] != (byte)'0')
            {
                firstNonZero = d;
                break;
            }

            d++;
        }

        long point = integerDigits + exponent;
        long scale = Math.Max(0, fractionDigits - exponent);
        long integerPart = firstNonZero < 0 ? 1 : Math.Max(1, point - firstNonZero);
        bool printsSign = negative && firstNonZero >= 0; // PostgreSQL prints -0.0 as 0.0
        return (printsSign ? 1 : 0) + integerPart + (scale > 0 ? 1 + scale : 0);
    }

    /// <inheritdoc cref="NumberLength(ReadOnlySpan{byte})"/>
    public static long? NumberLength(string literal) => NumberLength(Encoding.ASCII.GetBytes(literal));

    /// <summary>The bytes PostgreSQL prints for a string in jsonb, quotes included (its JSON escaping of the UTF-8 text).</summary>
    public static long StringLength(string value) => StringLength(value, Escaping.Stored);

    /// <summary>
    /// The bytes of the text PostgreSQL gives back for <paramref name="node"/> stored as jsonb: <c>", "</c> between
    /// members and elements, <c>": "</c> after keys, numbers as <see cref="NumberLength(ReadOnlySpan{byte})"/>.
    /// </summary>
    public static long Length(JsonNode? node) => Length(node, Escaping.Stored);

    /// <summary>
    /// At most the bytes that text takes once written again inside a JSON string, as an audit bundle line carries the
    /// stored event (quotes and backslashes escaped again, and any character outside printable ASCII possibly as a
    /// <c>\uXXXX</c> escape).
    /// </summary>
    public static long LengthInJsonString(JsonNode? node) => Length(node, Escaping.InJsonString);

    private enum Escaping
    {
        Stored,
        InJsonString,
    }

    private static long Length(JsonNode? node, Escaping escaping)
    {
        switch (node)
        {
            case null:
                return 4;
            case JsonObject obj:
                long members = 2;
                foreach (var (key, member) in obj)
                {
                    members += StringLength(key, escaping) + 2 + Length(member, escaping);
                }

                return members + Math.Max(0, obj.Count - 1) * 2L;
            case JsonArray array:
                long elements = 2;
                foreach (var element in array)
                {
                    elements += Length(element, escaping);
                }

                return elements + Math.Max(0, array.Count - 1) * 2L;
            default:
                var scalar = node.AsValue();
                return scalar.GetValueKind() switch
                {
                    JsonValueKind.String => StringLength(scalar.GetValue<string>(), escaping),
                    JsonValueKind.Number => NumberLength(Encoding.UTF8.GetBytes(scalar.ToJsonString())) ?? long.MaxValue / 4,
                    JsonValueKind.True => 4,
                    JsonValueKind.False => 5,
                    _ => 4,
                };
        }
    }

    private static long StringLength(string value, Escaping escaping)
    {
        long length = escaping == Escaping.Stored ? 2 : 4;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
            if (pair)
            {
                i++;
            }

            length += escaping == Escaping.Stored ? StoredBytes(c, pair) : BytesInJsonString(c, pair);
        }

        return length;
    }

    /// <summary>PostgreSQL's escape_json over UTF-8: quote, backslash and control characters escaped, the rest as is.</summary>
    private static int StoredBytes(char c, bool pair) => c switch
    {
        _ when pair => 4,
        '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t' => 2,
        < ' ' => 6,
        < (char)0x80 => 1,
        < (char)0x800 => 2,
        _ => 3,
    };

    /// <summary>The stored form's bytes for one character, escaped once more; any non-ASCII one counted as an escape.</summary>
    private static int BytesInJsonString(char c, bool pair) => c switch
    {
        _ when pair => 12,
        '"' or '\\' => 4,
        '\b' or '\f' or '\n' or '\r' or '\t' => 3,
        < ' ' => 7,
        < (char)0x7F => 1,
        _ => 6,
    };

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
