using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using MlLedger.Api.Auth;

namespace MlLedger.Api.Http;

/// <summary>
/// Makes the OpenAPI document say every answer an endpoint can give, not only its success: the bearer scheme (and the
/// OIDC authority that issues its tokens) so the API reference can send a token; 401 and 403 on every endpoint that needs
/// one; on writes the refusals every write can meet (400, 409 with a code, 412 on a stale If-Match, 413, 415, 422 entry
/// too large, 429 past the write rate); 503 everywhere the database is needed. Each is a problem detail with a
/// machine-readable <c>code</c>. The contract test (OpenApiContractTests) fails when an answer is not in the document.
/// </summary>
internal static class OpenApiContract
{
    /// <summary>Declares refusals an endpoint's handler answers (problem details), beside those every endpoint of its kind can give.</summary>
    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    public const string BearerScheme = "bearer";
    private const string ProblemJson = "application/problem+json";
    private static readonly string[] ProblemSchemas = ["ProblemDetails", "HttpValidationProblemDetails"];

    public static void Configure(OpenApiOptions options, JwtSettings jwt)
    {
        options.AddDocumentTransformer((document, context, ct) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = jwt.Authority is { } authority
                    ? $"An access token of {authority} for the audience {jwt.Audience}, with the roles claim."
                    : $"A JWT for the audience {jwt.Audience} with the roles claim.",
            };
            // every problem the ledger writes carries its machine-readable code, and the trace id of the request
            foreach (var name in ProblemSchemas)
            {
                if (document.Components.Schemas is { } schemas && schemas.TryGetValue(name, out var found) && found is OpenApiSchema problem)
                {
                    problem.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    problem.Properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, for programs: e.g. validation-failed, self-approval." };
                    problem.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String };
                    problem.Required ??= new HashSet<string>();
                    problem.Required.Add("code");
                }
            }

            if (jwt.Authority is { } issuer)
            {
                document.Components.SecuritySchemes["oidc"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.OpenIdConnect,
                    OpenIdConnectUrl = new Uri($"{issuer.TrimEnd('/')}/.well-known/openid-configuration"),
                };
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct);
            var problem = new OpenApiSchemaReference(nameof(ProblemDetails), context.Document);
            operation.Responses ??= new OpenApiResponses();
            void Add(int status, string description) => operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new OpenApiResponse { Description = description, Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = problem } } });

            var needsToken = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
            if (needsToken)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                Add(StatusCodes.Status401Unauthorized, "No token, or a token the ledger does not accept (expired, wrong issuer or audience, bad signature).");
                Add(StatusCodes.Status403Forbidden, "The token's roles do not allow this.");
            }

            if (context.Description.HttpMethod is "POST" or "PUT" or "PATCH" or "DELETE")
            {
                Add(StatusCodes.Status400BadRequest, "The request is malformed or a field is invalid: validation-failed names each field.");
                Add(StatusCodes.Status409Conflict, "Refused by the ledger's rules; the problem's code names the rule (for example self-approval, already-decided, stage-not-reached).");
                Add(StatusCodes.Status412PreconditionFailed, "If-Match named a stream version that is no longer the current one: nothing was recorded.");
                Add(StatusCodes.Status413PayloadTooLarge, "The body is larger than the ledger accepts.");
                Add(StatusCodes.Status415UnsupportedMediaType, "The body is not application/json.");
                Add(StatusCodes.Status422UnprocessableEntity, "The entry this write would record is too large to sign and export (entry-too-large).");
                Add(StatusCodes.Status429TooManyRequests, "Past this identity's write rate: retry after the Retry-After seconds.");
            }

            Add(StatusCodes.Status503ServiceUnavailable, "The database is unreachable or restarting: retry; a write retried with its Idempotency-Key is recorded once.");
        });
    }
}
