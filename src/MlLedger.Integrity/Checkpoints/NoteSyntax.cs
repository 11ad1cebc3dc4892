namespace MlLedger.Integrity.Checkpoints;

/// <summary>The lexical rules of C2SP signed notes (as golang.org/x/mod/sumdb/note applies them).</summary>
internal static class NoteSyntax
{
    /// <summary>Signature lines start with U+2014 EM DASH and a space.</summary>
    public const string SignaturePrefix = "\u2014 ";

    /// <summary>A note with more signature lines is refused, so that parsing stays cheap.</summary>
    public const int MaxSignatures = 100;

    /// <summary>A key name: non-empty, no Unicode white space, no '+', no lone surrogate.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name)
        && !name.Any(char.IsWhiteSpace)
        && !name.Contains('+', StringComparison.Ordinal)
        && IsWellFormed(name);

    /// <summary>Valid Unicode with no control character below U+0020 other than '\n'.</summary>
    public static bool IsValidNoteText(string text) =>
        IsWellFormed(text) && !text.Any(c => c < '\u0020' && c != '\n');

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
