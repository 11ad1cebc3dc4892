using System.Text.Encodings.Web;
using System.Text.Json;

namespace MlLedger.Integrity;

/// <summary>The one JSON configuration for every byte this library signs, hashes or parses.</summary>
internal static class LedgerJson
{
    /// <summary>
    /// Compact output. The relaxed encoder escapes only what JSON requires (quote, backslash, control
    /// characters), so base64 '+' and media types such as "application/vnd.in-toto+json" stay readable
    /// instead of becoming "\u002B". The output is never embedded in HTML; it is signed and hashed.
    /// </summary>
    public static readonly JsonWriterOptions Writer = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Strict parsing: duplicate property names are refused, because two parsers that disagree on
    /// which duplicate wins would see two different documents behind one signature.
    /// </summary>
    public static readonly JsonDocumentOptions StrictDocument = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };
}
