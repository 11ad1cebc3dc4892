using System.Globalization;
using FluentValidation;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Auth;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Policies;
using MlLedger.Api.Promotions;
using MlLedger.Domain;

namespace MlLedger.Api.Console;

/// <summary>
/// An approver's decision from the promotion page: the same write as <c>POST /v1/promotions/{id}/approvals</c>, run by the
/// same handler with the session's identity, and bound to what the page showed. The form carries the promotion's version
/// (sent as If-Match: if anything was decided since the page was read, nothing is recorded and the approver reviews it
/// again) and a key made when the page was rendered (sent as Idempotency-Key: a double submit records one decision).
/// Refusals are pages with the ledger's status and code (a requester deciding their own promotion gets 409 self-approval).
/// </summary>
internal static class DecisionEndpoints
{
    public static void MapDecisions(this WebApplication app) =>
        app.MapPost("/promotions/{id}/decision", Decide).RequireAuthorization(LedgerPolicies.Approve).DisableAntiforgery().ExcludeFromDescription();

    private static async Task<IResult> Decide(string id, HttpContext http, LedgerWriter writer, PolicyGate gate, IAntiforgery antiforgery,
        IValidator<ApprovalRequest> validator)
    {
        if (await SignInEndpoints.Refused(http, antiforgery) is { } refused)
        {
            return refused;
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var back = $"/promotions/{Uri.EscapeDataString(id)}";
        var comment = form["comment"].ToString();
        var request = new ApprovalRequest(form["decision"].ToString(), comment.Length == 0 ? null : comment);
        var errors = validator.Validate(request).Errors.Select(e => e.ErrorMessage).ToList();
        if (!long.TryParse(form["version"], NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            errors.Add("The form does not say which version of the promotion it decides on; open the promotion again.");
        }

        if (form["key"].ToString() is not { Length: > 0 and <= 200 } key || !IdempotencyKeys.IsValid(key))
        {
            errors.Add("The form has no valid submission key; open the promotion again.");
            key = "";
        }

        if (errors.Count > 0)
        {
            return Refusal(StatusCodes.Status400BadRequest, "Your decision could not be recorded", errors, "validation-failed", back);
        }

        http.Request.Headers.IfMatch = ETags.Of(version);
        http.Request.Headers[Idempotency.Header] = $"console:{key}";
        IResult result;
        try
        {
            result = await Approving.Handle(id, request, http, writer, gate);
        }
        catch (DomainRejection rejection)
        {
            return Refusal(StatusCodes.Status409Conflict, "The ledger refused your decision", [rejection.Message], rejection.Code, back);
        }

        return result switch
        {
            WithETag { Inner: Ok<WriteReceipt> { Value: { } receipt } } =>
                TypedResults.Redirect($"{back}?recorded={string.Join(',', receipt.Entries.Select(e => e.Seq))}"),
            ProblemHttpResult { ProblemDetails: var problem } when problem.Status == StatusCodes.Status412PreconditionFailed =>
                Refusal(StatusCodes.Status412PreconditionFailed, "The promotion changed while you were reading it",
                    ["Someone decided on it, or it was evaluated again, after this page was shown. Nothing was recorded: review it as it is now."],
                    "precondition-failed", back),
            ProblemHttpResult { ProblemDetails: var problem } => Refusal(problem.Status ?? 400, "Your decision could not be recorded",
                [problem.Detail ?? "The ledger refused it."], problem.Extensions.TryGetValue("code", out var code) ? code?.ToString() : null, back),
            _ => throw new InvalidOperationException($"an approval answered {result.GetType().Name}"),
        };
    }

    private static IResult Refusal(int status, string heading, IReadOnlyList<string> reasons, string? code, string back) =>
        Pages.Render<Layout.Refusal>(status, new()
        {
            [nameof(Layout.Refusal.Heading)] = heading,
            [nameof(Layout.Refusal.Reasons)] = reasons,
            [nameof(Layout.Refusal.Code)] = code,
            [nameof(Layout.Refusal.Back)] = back,
            [nameof(Layout.Refusal.BackText)] = "Back to the promotion",
        });
}
