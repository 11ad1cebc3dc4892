using MlLedger.Api.Auth;

namespace MlLedger.Api.Console;

/// <summary>
/// The report forms on the reports page ask with query fields; the reports live at paths that name their subject. These
/// send the browser on to the report's path (same origin, so the session authorizes the download as it does any API read).
/// </summary>
internal static class ReportForms
{
    public static void MapReportForms(this WebApplication app)
    {
        app.MapGet("/reports/compliance", (string? model, string? version, string? asOf) =>
                Filled(model, version) ? Go($"/v1/reports/compliance/{E(model!)}/{E(version!)}.pdf", asOf) : Missing("model and version"))
            .RequireAuthorization(LedgerPolicies.Audit).ExcludeFromDescription();
        app.MapGet("/reports/dataset-impact", (string? id, string? asOf) =>
                Filled(id) ? Go($"/v1/reports/dataset-impact/{E(id!)}.pdf", asOf) : Missing("a dataset id (name@version)"))
            .RequireAuthorization(LedgerPolicies.Audit).ExcludeFromDescription();
    }

    private static bool Filled(params string?[] values) => values.All(v => !string.IsNullOrWhiteSpace(v));

    private static string E(string value) => Uri.EscapeDataString(value.Trim());

    private static Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult Go(string path, string? asOf) =>
        TypedResults.Redirect(string.IsNullOrWhiteSpace(asOf) ? path : $"{path}?asOf={E(asOf)}");

    private static IResult Missing(string what) =>
        Pages.Render<Layout.Refusal>(StatusCodes.Status400BadRequest, new()
        {
            [nameof(Layout.Refusal.Heading)] = "The report needs more",
            [nameof(Layout.Refusal.Reasons)] = new List<string> { $"Enter {what}." },
            [nameof(Layout.Refusal.Code)] = "validation-failed",
            [nameof(Layout.Refusal.Back)] = "/reports",
            [nameof(Layout.Refusal.BackText)] = "Back to reports",
        });
}
