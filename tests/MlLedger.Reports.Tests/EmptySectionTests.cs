using MlLedger.Reports.AuditPeriod;
using MlLedger.Reports.Compliance;
using MlLedger.Reports.DatasetImpact;
using MlLedger.Reports.Model;

namespace MlLedger.Reports.Tests;

public class EmptySectionTests
{
    [Fact]
    public void An_empty_compliance_report_says_what_there_is_none_of()
    {
        var r = ReportSamples.Compliance(new ReportFrame(ReportKinds.Compliance, "fraud-detector@2.3.0", ReportSamples.Checkpoint, []))
            with { Lineage = new LineageDiagram([], []), Datasets = [], Evaluations = [], Decisions = [], Promotions = [], Approvals = [], Deployments = [] };
        var text = PdfText.Of(ComplianceReportPdf.Render(r));
        text.Contains("No lineage recorded as of this checkpoint.");
        text.Contains("No datasets recorded for this model version as of this checkpoint.");
        text.Contains("No evaluations recorded as of this checkpoint.");
        text.Contains("No policy decisions recorded as of this checkpoint.");
        text.Contains("No promotions requested as of this checkpoint.");
        text.Contains("No approvals recorded as of this checkpoint.");
        text.Contains("No deployments, rollbacks or blocked attempts recorded as of this checkpoint.");
        text.Contains("This report cites no ledger entries.");
    }

    [Fact]
    public void An_audit_period_without_duty_exceptions_says_so()
    {
        var text = PdfText.Of(AuditPeriodReportPdf.Render(ReportSamples.AuditPeriod(dutyExceptions: false)));
        text.Contains("No separation-of-duties exceptions: ");
    }

    [Fact]
    public void An_audit_period_with_a_duty_exception_lists_it_and_does_not_claim_there_are_none()
    {
        var text = PdfText.Of(AuditPeriodReportPdf.Render(ReportSamples.AuditPeriod()));
        text.Contains("requested and approved promotion prom-103");
        Assert.DoesNotContain("No separation-of-duties exceptions", text.All, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_audit_period_says_what_did_not_happen()
    {
        var r = ReportSamples.AuditPeriod(promotions: 0, citations: 0, dutyExceptions: false) with
        {
            Deployments = [], BlockedDeployments = [], ApprovalsPerApprover = [], PolicySetChanges = [], KeyRotations = [],
        };
        var text = PdfText.Of(AuditPeriodReportPdf.Render(r));
        text.Contains("No promotions in this period.");
        text.Contains("No deployments, rollbacks or retirements in this period (blocked attempts are listed below).");
        text.Contains("No promotions were rejected in this period.");
        text.Contains("No deployments were blocked in this period.");
        text.Contains("No approvals or rejections were given in this period.");
        text.Contains("No policy sets were published in this period.");
        text.Contains("No ledger keys were rotated in this period.");
    }

    [Fact]
    public void A_dataset_with_nothing_downstream_says_so_and_live_deployments_are_flagged_otherwise()
    {
        var sample = ReportSamples.DatasetImpact();
        var empty = PdfText.Of(DatasetImpactReportPdf.Render(sample with
        {
            Downstream = new LineageDiagram([], []), DerivedDatasets = [], Models = [], Deployments = [],
        }));
        empty.Contains("No datasets are derived from this dataset as of this checkpoint.");
        empty.Contains("No deployment of an affected model version as of this checkpoint.");

        var full = PdfText.Of(DatasetImpactReportPdf.Render(sample));
        full.Contains("deployed now (live)");
        full.Contains("1 deployment serves a model downstream of this withdrawn dataset right now.");
    }
}
