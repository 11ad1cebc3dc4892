namespace MlLedger.Api.Tests.Fuzz;

/// <summary>The values <see cref="MalformedRequests"/> puts where a valid request has others.</summary>
internal static class FuzzValues
{
    public static readonly string[] Injections =
    [
        "'; DROP TABLE mlledger.mt_events; --", "\" OR 1=1 --", "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2f",
        "a\r\nX-Injected: 1", "a\r\n\r\n<html>", "{\"approver\":\"mallory\"}", "[1,2,3]", "a\u0000b", "\u0000", "\u202eevil\u202c",
        "a\u200b\u200c\u200db", "\ufeffbom", "__proto__", "constructor", "${jndi:ldap://x/a}", "<script>alert(1)</script>", "{{7*7}}",
        "$(rm -rf /)", "\\u0000", "😀🧪", "e\u0301\u0301\u0301", "\u0661\u0662\u0663", "\ud800", "\udfff\ud800",
    ];

    public static readonly string[] OddDigests =
    [
        new string('a', 63), new string('a', 65), new string('A', 64), new string('g', 64), new string('\u0663', 64),
        new string('\uff10', 64), $"sha256:{new string('a', 64)}", $"0x{new string('a', 62)}", $"{new string('a', 64)} ",
        $" {new string('a', 64)}", $"{new string('a', 64)}\n", $"{new string('a', 63)}\u0000", "", new string('\u200b', 64),
        new string('a', 32) + new string('\u0430', 32),
    ];

    public static readonly string[] NumberTokens =
    [
        "1e309", "-1e309", "1e-400", "123456789012345678901234567890", "-0", "0x10", "01", ".5", "1.", "NaN", "Infinity", "-Infinity",
        "1e+", "9223372036854775808", "-9223372036854775809", "1E400000", "0.0000000000000000000000001", "--1", "+1",
    ];

    /// <summary>
    /// Numbers at the edges of every numeric type a field may be read as (int, long, ulong, double, decimal) and of what
    /// PostgreSQL's jsonb holds (numeric: 131,072 digits before the point, 16,383 after) and of the ledger's own bound.
    /// </summary>
    public static readonly string[] EdgeNumbers =
    [
        "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
        "18446744073709551615", "18446744073709551616", "1.7976931348623157e308", "-1.7976931348623157e308", "1.7976931348623159e308",
        "5e-324", "4.9406564584124654e-324", "2.2250738585072014e-308", "2.220446049250313e-16", "79228162514264337593543950335",
        "79228162514264337593543950336", "0.0000000000000000000000000001", "1e131071", "1e131072", "1e-16383", "1e-16384", "0e-16383",
        "-0e-16384", "1e-20000", "1e200000", "1e62", "-1e62", "1e63", "1e-62", "-1e-62", "1e-63", "1.5e2147483648", "1e-2147483649",
        "0.000000000000000000000000000000000000000000000000000000000001", "-0", "0e0", "1E+0", "123456789012345678901234567890123456789012345678901234567890123",
        "1234567890123456789012345678901234567890123456789012345678901234567890",
    ];

    /// <summary>Text that is not valid Unicode, or is at its edges: lone and reversed surrogates, NUL, noncharacters, the last code point.</summary>
    public static readonly string[] EdgeUnicode =
    [
        "\\ud800", "\\udfff", "a\\ud800b", "\\udc00\\ud800", "\\ud83d", "x\\ud83d\\ude00\\ud83d", "\\u0000", "a\\u0000", "\\uFFFE", "\\uFFFF",
        "\\uDBFF\\uDFFF", "\\u0001\\u001f\\u007f", "\\u2028\\u2029", "\\ud800\\u0041", "\\uD800\\uD800",
    ];

    public static readonly string[] EdgeStrings =
    [
        "", " ", "\t", "UPPER", "a@b", "a/b", "-leading", ".", "..", "a b", "😀", "ａ", new string('a', 129), new string('x', 4097),
        "approve ", "APPROVE", "staging\u0000", "null", "production\u200b", "dev-1/../prod", "a@", "@1", "churn@", "x@y@z",
    ];

    public static readonly string[] PathValues =
    [
        "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00", "%0D%0AX-Injected:%201", new string('a', 3000), "%F0%9F%98%80", "%FF%FE",
        "a%40b%40c", "%20", "__proto__", "'%20OR%201%3D1--", "%2F", "x%00y", "%C0%AE%C0%AE",
    ];

    public static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
        "application/json; charset=latin1", "application/*", "json", "", ";;;", "application/json-patch+json", "text/json",
    ];
}
