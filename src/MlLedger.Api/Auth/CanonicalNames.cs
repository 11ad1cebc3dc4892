using System.Globalization;
using System.Text;

namespace MlLedger.Api.Auth;

/// <summary>
/// The text rule for the names a token gives the ledger (its subject, its role names): a name is recorded in signed
/// entries and compared for separation of duties, so two names that look alike must be equal, and a name must be
/// storable as it is. Refused: empty, longer than the limit (in UTF-8 bytes), leading or trailing space, any space but
/// U+0020, control characters (NUL included), format and other invisible characters (zero-width space, joiners, bidi
/// controls, variation selectors, fillers), line and paragraph separators, private-use, unassigned and non-characters,
/// unpaired surrogates, and text not in Unicode normalisation form C. Nothing is trimmed or repaired: a name either is
/// canonical or is refused.
/// </summary>
internal static class CanonicalNames
{
    /// <summary>OpenID Connect Core 1.0 §2: <c>sub</c> must not exceed 255 ASCII characters; the ledger counts UTF-8 bytes.</summary>
    public const int MaxSubjectBytes = 255;

    public const int MaxRoleBytes = 256;

    /// <summary>Why <paramref name="name"/> is not canonical, or null when it is.</summary>
    public static string? Problem(string name, int maxUtf8Bytes)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }

        for (var i = 0; i < name.Length;)
        {
            if (Rune.DecodeFromUtf16(name.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return $"holds an unpaired surrogate (U+{(int)name[i]:X4}) at position {i}";
            }

            if (Refused(rune) is { } what)
            {
                return $"holds {what} (U+{rune.Value:X4}) at position {i}";
            }

            i += consumed;
        }

        if (name[0] == ' ' || name[^1] == ' ')
        {
            return "begins or ends with a space";
        }

        if (Encoding.UTF8.GetByteCount(name) > maxUtf8Bytes)
        {
            return $"is longer than {maxUtf8Bytes} bytes";
        }

        return name.IsNormalized(NormalizationForm.FormC) ? null : "is not in Unicode normalisation form C";
    }

    private static string? Refused(Rune rune)
    {
        if (IsDefaultIgnorable(rune.Value))
        {
            return "an invisible character";
        }

        if ((rune.Value & 0xFFFE) == 0xFFFE || rune.Value is >= 0xFDD0 and <= 0xFDEF)
        {
            return "a non-character";
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control => "a control character",
            UnicodeCategory.Format => "an invisible formatting character",
            UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line or paragraph separator",
            UnicodeCategory.SpaceSeparator when rune.Value != ' ' => "a space other than U+0020",
            UnicodeCategory.PrivateUse => "a private-use character",
            UnicodeCategory.OtherNotAssigned => "an unassigned code point",
            _ => null,
        };
    }

    /// <summary>
    /// Default_Ignorable_Code_Point (Unicode DerivedCoreProperties) outside the format category: characters that render
    /// as nothing, such as the combining grapheme joiner, Hangul fillers and variation selectors.
    /// </summary>
    private static bool IsDefaultIgnorable(int c) =>
        c is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFFA0
            or (>= 0x180B and <= 0x180F) or (>= 0x2060 and <= 0x206F) or (>= 0xFE00 and <= 0xFE0F)
            or (>= 0x1D173 and <= 0x1D17A) or (>= 0xE0000 and <= 0xE0FFF);
}
