using FluentValidation;

namespace MlLedger.Api.Http;

/// <summary>Runs the FluentValidation validator of a request body; a failure is a 400 naming every bad field.</summary>
internal sealed class ValidationFilter<TRequest>(IValidator<TRequest> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<TRequest>().SingleOrDefault();
        if (request is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed request",
                detail: "A JSON request body is required.", extensions: new Dictionary<string, object?> { ["code"] = "body-required" });
        }

        var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
        if (result.IsValid)
        {
            return await next(context);
        }

        var errors = result.Errors
            .GroupBy(e => ToCamelPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        return Problems.Invalid(errors);
    }

    private static string ToCamelPath(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}

internal static class ValidationExtensions
{
    public static RouteHandlerBuilder Validates<TRequest>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<TRequest>>().ProducesValidationProblem();
}

/// <summary>Shared field rules, so every endpoint says the same thing about the same kind of value.</summary>
internal static class FieldRules
{
    public const int MaxNameLength = 128;
    public const int MaxTextLength = 4096;
    public const int MaxListLength = 256;
    public const int MaxVersionLength = 64;

    /// <summary>Lowercase names usable in ids and paths (length is checked separately).</summary>
    public const string NamePattern = "^[a-z0-9][a-z0-9._-]*\\z";

    /// <summary>Versions: no '@' or '/', which ids use as separators.</summary>
    public const string VersionPattern = "^[A-Za-z0-9][A-Za-z0-9._+-]*\\z";

    public const string NameMessage = "must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit";
    public const string VersionMessage = "must be letters, digits, '.', '_', '+' or '-', starting with a letter or digit";

    /// <summary>Lowercase names usable in ids and paths: datasets, models, environments, checks.</summary>
    public static IRuleBuilderOptions<T, string> IsName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxNameLength).Matches(NamePattern).WithMessage($"'{{PropertyName}}' {NameMessage}.");

    /// <summary>Versions: letters, digits, '.', '_', '+', '-' (no '@' or '/', which ids use as separators).</summary>
    public static IRuleBuilderOptions<T, string> IsVersion<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxVersionLength).Matches(VersionPattern).WithMessage($"'{{PropertyName}}' {VersionMessage}.");

    public static IRuleBuilderOptions<T, string> IsSha256<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Length(64).Matches("^[0-9a-f]{64}\\z")
            .WithMessage("'{PropertyName}' must be a SHA-256 digest: 64 lowercase hex characters.");

    /// <summary>A dataset reference <c>name@version</c>.</summary>
    public static IRuleBuilderOptions<T, string> IsDatasetId<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxNameLength + 65)
            .Matches("^[a-z0-9][a-z0-9._-]*@[A-Za-z0-9][A-Za-z0-9._+-]*\\z")
            .WithMessage("'{PropertyName}' must name a dataset as name@version.");

    public static IRuleBuilderOptions<T, string?> IsText<T>(this IRuleBuilder<T, string?> rule, int max = MaxTextLength) =>
        rule.MaximumLength(max).Must(IsPlainText)
            .WithMessage("'{PropertyName}' must not contain control characters.");

    /// <summary>Text without control characters other than tab and line breaks (PostgreSQL refuses NUL outright).</summary>
    public static bool IsPlainText(string? s) => s is null || s.All(c => !char.IsControl(c) || c is '\n' or '\r' or '\t');

    /// <summary>A JSON value with no NUL character in any string or key, at any depth.</summary>
    public static bool HasNoNul(System.Text.Json.JsonElement value) => !value.GetRawText().Contains("\\u0000", StringComparison.Ordinal);
}
