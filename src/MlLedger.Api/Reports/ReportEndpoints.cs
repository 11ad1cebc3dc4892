using System.Globalization;
using System.Security.Cryptography;
using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Lineage;
using MlLedger.Api.Log;
using MlLedger.Domain;
using MlLedger.Domain.Reports;
using MlLedger.Integrity.Statements;
using MlLedger.Reports.AuditPeriod;
using MlLedger.Reports.Compliance;
using MlLedger.Reports.DatasetImpact;
using MlLedger.Reports.Model;

namespace MlLedger.Api.Reports;

/// <summary>
/// The auditor's PDF reports. Each is a pure function of its subject and a signed checkpoint (the latest, or
/// <c>asOf</c> = a checkpoint's tree size); each one served is recorded as a ReportIssued entry with its SHA-256.
/// </summary>
internal static class ReportEndpoints
{
    public const string EntryHeader = "X-Ledger-Report-Entry";
    public const string DigestHeader = "X-Ledger-Report-Sha256";

    public static void MapReports(this WebApplication app)
    {
        var reports = app.MapGroup("/v1/reports").RequireAuthorization(LedgerPolicies.Audit)
            .RequireRateLimiting(RateLimiting.Reports) // a report is a write (ReportIssued) and the costliest request
            .CapConcurrency();
        reports.MapGet("/compliance/{model}/{version}.pdf", Compliance)
            .WithSummary("A model version's compliance report (PDF) as of the latest checkpoint, or the checkpoint of tree size asOf.").AnswersPdf();
        reports.MapGet("/audit-period.pdf", AuditPeriod)
            .WithSummary("Everything promoted, deployed, refused, approved, published and rotated in [from, to) (PDF).").AnswersPdf();
        reports.MapGet("/dataset-impact/{id}.pdf", DatasetImpact)
            .WithSummary("The downstream of a dataset: derived datasets, model versions, deployments (PDF).").AnswersPdf();
    }

    private static RouteHandlerBuilder AnswersPdf(this RouteHandlerBuilder endpoint) => endpoint
        .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status500InternalServerError)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static Task<IResult> Compliance(string model, string version, long? asOf, HttpContext http, ReportServices services) =>
        Issue(http, services, asOf, ReportKinds.Compliance, ModelVersionIds.Of(model, version), async basis =>
            await ComplianceData.Gather(model, version, basis, services.Lineage, services.Entries, http.RequestAborted) is { } report
                ? ComplianceReportPdf.Render(report)
                : null);

    private static Task<IResult> DatasetImpact(string id, long? asOf, HttpContext http, ReportServices services) =>
        Issue(http, services, asOf, ReportKinds.DatasetImpact, id, async basis =>
            await DatasetImpactData.Gather(id, basis, services.Lineage, services.Entries, http.RequestAborted) is { } report
                ? DatasetImpactReportPdf.Render(report)
                : null);

    private static async Task<IResult> AuditPeriod(string? from, string? to, long? asOf, HttpContext http, ReportServices services)
    {
        if (!AsOf.TryParseTime(from, out var start) || !AsOf.TryParseTime(to, out var end))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-period", "from and to must be ISO 8601 times, e.g. 2026-01-01T00:00:00Z.");
        }

        if (start >= end)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-period", "from must be before to.");
        }

        if (start.Ticks % TimeSpan.TicksPerSecond != 0 || end.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-period", "from and to are whole seconds: the report prints its period to the second.");
        }

        return await Issue(http, services, asOf, ReportKinds.AuditPeriod, $"{AuditPeriodData.Format(start)} to {AuditPeriodData.Format(end)}",
            async basis => AuditPeriodReportPdf.Render(await AuditPeriodData.Gather(start, end, basis, services.Entries, http.RequestAborted)));
    }

    /// <summary>Resolves the checkpoint, renders, records the ReportIssued entry, and answers with the PDF.</summary>
    private static async Task<IResult> Issue(
        HttpContext http, ReportServices services, long? asOf, string kind, string subject, Func<ReportBasis, Task<byte[]?>> render)
    {
        var ct = http.RequestAborted;
        if (asOf is < 1)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "bad-as-of", "asOf must be the tree size of an issued checkpoint (1 or more).");
        }

        byte[]? pdf;
        ReportBasis? basis;
        try
        {
            basis = await ReportBasis.Of(asOf, services.Log, services.Entries, services.Origin, ct);
            if (basis is null)
            {
                if (asOf is { } size)
                {
                    return Problems.Of(StatusCodes.Status404NotFound, "no-checkpoint", $"No checkpoint was issued at tree size {size}.");
                }

                http.Response.Headers.RetryAfter = "1";
                return Problems.Of(StatusCodes.Status503ServiceUnavailable, "no-checkpoint", "No checkpoint has been issued yet; the first follows within a second.");
            }

            pdf = await render(basis);
        }
        catch (LineageTooLargeException tooLarge)
        {
            return tooLarge.Problem("The report was not issued: ", " A report never prints part of a lineage as if it were all of it.");
        }
        catch (ReportTooLargeException tooLarge)
        {
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "report-too-large",
                $"The report was not issued: it would read more than {tooLarge.Limit:N0} entries, and a report is laid out in memory as a whole. " +
                "Ask for a shorter period (audit period), or read the entries through GET /v1/export.",
                new Dictionary<string, object?> { ["limit"] = tooLarge.Limit });
        }
        catch (ReportIntegrityException broken)
        {
            return Problems.Of(StatusCodes.Status500InternalServerError, "ledger-integrity",
                $"The report was not issued: {broken.Message} Run GET /v1/verification/log.");
        }

        if (pdf is null)
        {
            return Problems.NotFound($"{subject} as of tree size {basis.Checkpoint.TreeSize}");
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf));
        var receipts = await services.Writer.Record(http, async ledger =>
        {
            var id = Guid.CreateVersion7(ledger.Now).ToString();
            var stream = await ledger.Fetch<IssuedReport>(StreamKeys.Report(id));
            var issued = new ReportIssued(id, kind, subject, basis.Checkpoint.TreeSize, basis.Printed.RootHash, sha256, ledger.Actor.Id, ledger.Now);
            await ledger.Append(stream, [issued], new StatementSubject($"report:{kind}:{subject}", sha256));
            return new WriteOutcome.Created(id, StreamKeys.Report(id), "");
        });

        http.Response.Headers[EntryHeader] = receipts[0].Seq.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers[DigestHeader] = sha256;
        return TypedResults.File(pdf, "application/pdf", FileName(kind, subject, basis.Checkpoint.TreeSize));
    }

    private static string FileName(string kind, string subject, long treeSize)
    {
        var safe = new string(subject.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray());
        return $"{kind}-{safe}-at-{treeSize.ToString(CultureInfo.InvariantCulture)}.pdf";
    }
}

/// <summary>What the report endpoints use, in one place.</summary>
internal sealed record ReportServices(LogStore Log, LedgerEntries Entries, LineageQuery Lineage, LedgerWriter Writer, LogSettings Settings)
{
    public string Origin => Settings.Origin;
}
