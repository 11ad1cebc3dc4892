using MlLedger.Reports.Compliance;

namespace MlLedger.Reports.Tests;

public class ComplianceReportTests
{
    static readonly Model.ComplianceReport Report = ReportSamples.Compliance();
    static readonly PdfText Text = PdfText.Of(ComplianceReportPdf.Render(Report));

    [Fact]
    public void Cover_names_the_model_version_its_digest_stage_and_checkpoint()
    {
        Text.Contains("fraud-detector");
        Text.Contains("2.3.0");
        Text.Contains(ReportSamples.ModelDigest);
        Text.Contains("staging");
        Text.Contains(ReportSamples.Origin);
        Text.Contains(ReportSamples.Checkpoint.RootHash);
        Text.Contains("2025-03-14T09:26:53Z");
    }

    [Fact]
    public void Every_approval_prints_its_approver_roles_decision_and_comment()
    {
        foreach (var a in Report.Approvals)
        {
            Text.Contains(a.Approver);
            Text.Contains(a.Decision);
            foreach (var role in a.Roles) Text.Contains(role);
            foreach (var word in a.Comment!.Split(' ')) Text.Contains(word);
        }
    }

    [Fact]
    public void Every_decision_prints_its_digest_outcome_and_every_rule_with_outcome_and_reason()
    {
        Text.Contains("ALLOWED");
        Text.Contains("DENIED");
        foreach (var d in Report.Decisions)
        {
            Text.Contains(d.PolicySetDigest);
            foreach (var r in d.Rules)
            {
                Text.Contains(r.Rule);
                Text.Contains(r.Outcome);
                Text.Contains(r.Reason);
            }
        }
    }

    [Fact]
    public void Deployments_rollbacks_and_blocked_attempts_are_all_listed()
    {
        foreach (var d in Report.Deployments)
        {
            Text.Contains(d.DeploymentId);
            Text.Contains(d.Event);
        }
        Text.Contains("no approved promotion to production");
        Text.Contains("upstream dataset withdrawn");
    }

    [Fact]
    public void Datasets_print_digests_licenses_checks_personal_data_and_the_withdrawal()
    {
        foreach (var d in Report.Datasets)
        {
            Text.Contains(d.Id);
            Text.Contains(d.Sha256);
            Text.Contains(d.License);
        }
        Text.Contains("label-balance");
        Text.Contains("yes: contains personal data");
        Text.Contains("WITHDRAWN 2025-02-20T10:15:00Z");
        Text.Contains("Collected without a lawful basis");
    }

    [Fact]
    public void Evaluations_print_every_metric_and_a_chart_per_metric()
    {
        Text.Contains("Metrics by dataset");
        foreach (var m in Report.Evaluations.SelectMany(e => e.Metrics)) Text.Contains(m.Name);
        Text.Contains("0.947");
        Text.Contains("scale 0 – 41.5");
    }

    [Fact]
    public void Appendix_prints_the_signed_note_the_command_and_every_citation()
    {
        foreach (var line in ReportSamples.Checkpoint.SignedNote.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Text.Contains(line);
        Text.Contains("mlledger verify-report REPORT.pdf --trusted-root trusted-root.json --bundle audit.jsonl");
        Text.Contains("GET /v1/export");
        Text.Contains("GET /v1/log/trusted-root");
        Text.Contains("ReportIssued");
        foreach (var c in Report.Frame.Citations) Text.Contains(c.LeafHash);
    }

    [Fact]
    public void Lineage_labels_are_drawn_as_text()
    {
        foreach (var n in Report.Lineage.Nodes) Text.Contains(n.Label);
    }

    [Fact]
    public void A_lineage_of_sixty_two_nodes_renders_every_node()
    {
        var big = ReportSamples.BigLineage(datasets: 14, models: 12);
        var text = PdfText.Of(ComplianceReportPdf.Render(Report with { Lineage = big }));
        foreach (var n in big.Nodes) text.Contains(n.Label);
    }

    [Fact]
    public void A_lineage_too_big_for_a_page_lists_the_nodes_it_could_not_draw()
    {
        var huge = ReportSamples.BigLineage(datasets: 60, models: 40);
        var text = PdfText.Of(ComplianceReportPdf.Render(Report with { Lineage = huge }));
        text.Contains($"of {huge.Nodes.Count} nodes; the other");
        foreach (var n in huge.Nodes) text.Contains(n.Label);
    }
}
