using System.Globalization;
using System.Text;

namespace MlLedger.Api.Auth;

/// <summary>
/// The text rule for the names a token gives the ledger (its subject, its role names): a name is recorded in signed
/// entries and compared for separation of duties, so two names that look alike must be equal, and a name must be
/// storable as it is. Refused: empty, longer than the limit (in UTF-8 bytes), leading or trailing space, any space but
/// U+0020, control characters (NUL included), format and other invisible characters (zero-width space, joiners, bidi
/// controls, variation selectors, fillers: Unicode Default_Ignorable_Code_Point), line and paragraph separators,
/// private-use, unassigned and non-characters, unpaired surrogates, and text that Unicode normalisation form C could
/// write otherwise: a character whose NFC_Quick_Check is No or Maybe (e.g. a combining accent, which could compose with
/// the letter before it; the precomposed letter is accepted) or combining marks out of canonical order. Nothing is
/// trimmed or repaired: a name either is canonical or is refused.
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

        var previousClass = 0;
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

            var combiningClass = CombiningClass(rune.Value);
            if (combiningClass != 0 && combiningClass < previousClass)
            {
                return $"holds combining marks out of canonical order (U+{rune.Value:X4}) at position {i}, so it is not in Unicode normalisation form C";
            }

            previousClass = combiningClass;
            i += consumed;
        }

        if (name[0] == ' ' || name[^1] == ' ')
        {
            return "begins or ends with a space";
        }

        return Encoding.UTF8.GetByteCount(name) > maxUtf8Bytes ? $"is longer than {maxUtf8Bytes} bytes" : null;
    }

    private static string? Refused(Rune rune)
    {
        if (InRanges(UnicodeTables.DefaultIgnorable, rune.Value))
        {
            return "an invisible character";
        }

        if (InRanges(UnicodeTables.NfcQuickCheckNoOrMaybe, rune.Value))
        {
            return "a character that Unicode normalisation form C would compose or replace";
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

    /// <summary>Whether <paramref name="c"/> lies in one of the sorted (first, last) pairs.</summary>
    private static bool InRanges(int[] pairs, int c)
    {
        int low = 0, high = (pairs.Length / 2) - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (c < pairs[2 * middle])
            {
                high = middle - 1;
            }
            else if (c > pairs[(2 * middle) + 1])
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private static int CombiningClass(int c)
    {
        var triples = UnicodeTables.CombiningClasses;
        int low = 0, high = (triples.Length / 3) - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (c < triples[3 * middle])
            {
                high = middle - 1;
            }
            else if (c > triples[(3 * middle) + 1])
            {
                low = middle + 1;
            }
            else
            {
                return triples[(3 * middle) + 2];
            }
        }

        return 0;
    }
}
