using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace MlLedger.Reports.Fonts;

/// <summary>
/// Installs <see cref="SystemFontResolver"/> as PDFsharp's process-wide font resolver, once, and holds the fonts
/// every report draws with.
/// </summary>
public static class ReportFonts
{
    static readonly Lock Gate = new();
    static SystemFontResolver? _installed;

    /// <summary>
    /// Sets <see cref="GlobalFontSettings.FontResolver"/> to the system font resolver. Safe to call from any thread,
    /// any number of times. Throws when another resolver was installed first: the reports would then embed fonts
    /// they do not control.
    /// </summary>
    public static void EnsureInstalled()
    {
        if (Volatile.Read(ref _installed) is not null) return;
        lock (Gate)
        {
            if (_installed is not null) return;
            var current = GlobalFontSettings.FontResolver;
            if (current is not null and not SystemFontResolver)
                throw new InvalidOperationException(
                    $"PDFsharp's font resolver is already set to {current.GetType().FullName}; MlLedger reports need {nameof(SystemFontResolver)}.");
            var resolver = current as SystemFontResolver ?? SystemFontResolver.Load();
            if (current is null) GlobalFontSettings.FontResolver = resolver;
            Volatile.Write(ref _installed, resolver);
        }
    }

    /// <summary>
    /// The SHA-256 of each font file the reports embed (installing the resolver first). Report bytes depend on these
    /// files: they are part of every report's content hash and printed in its verification appendix.
    /// </summary>
    public static IReadOnlyList<FontFileDigest> Digests
    {
        get
        {
            EnsureInstalled();
            return Volatile.Read(ref _installed)!.Digests;
        }
    }

    static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    internal static XFont Regular(double size) => new(SystemFontResolver.Sans, size, XFontStyleEx.Regular, Unicode);
    internal static XFont Bold(double size) => new(SystemFontResolver.Sans, size, XFontStyleEx.Bold, Unicode);
    internal static XFont Mono(double size) => new(SystemFontResolver.Mono, size, XFontStyleEx.Regular, Unicode);
    internal static XFont MonoAnsi(double size) => new(SystemFontResolver.Mono, size, XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.WinAnsi));
    internal static XFont MonoBold(double size) => new(SystemFontResolver.Mono, size, XFontStyleEx.Bold, Unicode);
}
