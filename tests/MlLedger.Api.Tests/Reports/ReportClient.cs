using System.Net;
using System.Security.Cryptography;
using System.Text;
using MlLedger.Api.Tests.Log;
using UglyToad.PdfPig;

namespace MlLedger.Api.Tests.Reports;

/// <summary>A report as the ledger served it: the PDF, its text as a reader extracts it, and the entry that recorded it.</summary>
internal sealed record ServedReport(byte[] Pdf, string Text, string ContentOrder, long IssuedSeq, string Sha256, IReadOnlyList<string> Pages)
{
    /// <summary>The letters in the order they are drawn, white space removed: long values wrap across lines in a table cell.</summary>
    public string Compact { get; } = Squeeze(ContentOrder);

    public bool Mentions(string s) => Text.Contains(s, StringComparison.Ordinal) || Compact.Contains(Squeeze(s), StringComparison.Ordinal);

    private static string Squeeze(string s) => new(s.Where(c => !char.IsWhiteSpace(c)).ToArray());
}

internal static class ReportClient
{
    /// <summary>Waits until a checkpoint covers every stored entry, so a report sees everything written so far.</summary>
    public static async Task<long> SettledCheckpoint(Infrastructure.LedgerApp ledger, HttpClient auditor) =>
        (await LogClient.CheckpointCovering(auditor, await ledger.StoredEntries())).Checkpoint.Size;

    public static async Task<ServedReport> Get(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var sha = Convert.ToHexStringLower(SHA256.HashData(body));
        Assert.Equal(sha, response.Headers.GetValues("X-Ledger-Report-Sha256").Single());
        var seq = long.Parse(response.Headers.GetValues("X-Ledger-Report-Entry").Single(), System.Globalization.CultureInfo.InvariantCulture);
        using var document = PdfDocument.Open(body);
        var pages = document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))).ToList();
        var contentOrder = string.Concat(document.GetPages().Select(p => p.Text));
        return new ServedReport(body, string.Join("\n", pages), contentOrder, seq, sha, pages);
    }
}
