using System.Diagnostics;
using System.Text;

namespace MlLedger.Reports.Tests;

/// <summary>
/// Looks at every rendered page as a picture (poppler's pdftoppm, grey, 40 dpi): an A4 page with ink in its header and
/// footer bands, a sensible amount of ink overall, and nothing drawn into the outer margins.
/// </summary>
public sealed class PageImageTests
{
    [Theory]
    [InlineData("compliance")]
    [InlineData("audit-period")]
    [InlineData("dataset-impact")]
    [InlineData("big-lineage")]
    public void Every_page_looks_like_a_printed_page(string kind)
    {
        var pages = Rasterise(Program.Render(kind));

        Assert.NotEmpty(pages);
        foreach (var (number, page) in pages.Select((p, i) => (i + 1, p)))
        {
            Assert.InRange(page.Width / (double)page.Height, 210 / 297.0 * 0.99, 210 / 297.0 * 1.01);
            Assert.InRange(page.Ink(0, 1, 0, 1), 0.003, 0.35);
            Assert.True(page.Ink(0, 1, 0, 0.08) > 0.0005, $"page {number} of {kind} has no header");
            Assert.True(page.Ink(0, 1, 0.92, 1) > 0.0005, $"page {number} of {kind} has no footer");
            Assert.True(page.Ink(0, 0.035, 0, 1) < 0.001, $"page {number} of {kind} draws into its left margin");
            Assert.True(page.Ink(0.965, 1, 0, 1) < 0.001, $"page {number} of {kind} draws into its right margin");
        }
    }

    [Fact]
    public void A_blank_page_is_told_apart_from_a_printed_one()
    {
        var blank = new GreyPage(10, 10, Enumerable.Repeat((byte)255, 100).ToArray());
        var black = new GreyPage(10, 10, new byte[100]);
        Assert.Equal(0, blank.Ink(0, 1, 0, 1));
        Assert.Equal(1, black.Ink(0, 1, 0, 1));
    }

    private static List<GreyPage> Rasterise(byte[] pdf)
    {
        var directory = Directory.CreateTempSubdirectory("mlledger-pages-").FullName;
        try
        {
            var input = Path.Combine(directory, "report.pdf");
            File.WriteAllBytes(input, pdf);
            var start = new ProcessStartInfo("pdftoppm", ["-gray", "-r", "40", input, Path.Combine(directory, "page")]) { RedirectStandardError = true };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("pdftoppm did not start (install poppler-utils)");
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"pdftoppm failed: {error}");
            return Directory.GetFiles(directory, "page-*.pgm").Order(StringComparer.Ordinal).Select(f => GreyPage.Read(File.ReadAllBytes(f))).ToList();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>A binary PGM (P5, 8-bit) page.</summary>
internal sealed record GreyPage(int Width, int Height, byte[] Pixels)
{
    public static GreyPage Read(byte[] pgm)
    {
        var fields = new List<string>();
        var at = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)pgm[at]))
            {
                at++;
            }

            var start = at;
            while (!char.IsWhiteSpace((char)pgm[at]))
            {
                at++;
            }

            fields.Add(Encoding.ASCII.GetString(pgm, start, at - start));
        }

        Assert.Equal("P5", fields[0]);
        Assert.Equal("255", fields[3]);
        int width = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        int height = int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
        return new GreyPage(width, height, pgm[(at + 1)..(at + 1 + width * height)]);
    }

    /// <summary>The share of inked (not near-white) pixels in the box [x0, x1) × [y0, y1), given as fractions of the page.</summary>
    public double Ink(double x0, double x1, double y0, double y1)
    {
        int left = (int)(x0 * Width), right = (int)(x1 * Width), top = (int)(y0 * Height), bottom = (int)(y1 * Height);
        long dark = 0;
        for (var y = top; y < bottom; y++)
        {
            for (var x = left; x < right; x++)
            {
                if (Pixels[y * Width + x] < 200)
                {
                    dark++;
                }
            }
        }

        return dark / (double)Math.Max(1, (right - left) * (bottom - top));
    }
}
