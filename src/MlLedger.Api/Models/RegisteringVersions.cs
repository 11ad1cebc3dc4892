using System.Text.Json;
using FluentValidation;
using MlLedger.Api.Datasets;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Models;

namespace MlLedger.Api.Models;

public sealed record RegisterModelVersionRequest(
    string Version,
    string ArtifactSha256,
    string Framework,
    string? TrainingRunId,
    string? CodeCommit,
    IReadOnlyList<string> TrainedOn,
    IReadOnlyDictionary<string, JsonElement>? Parameters)
{
    /// <summary>The risk tier the organisation assigned (e.g. "high"); policies may apply per tier.</summary>
    public string? RiskTier { get; init; }
}

internal sealed class RegisterModelVersionValidator : AbstractValidator<RegisterModelVersionRequest>
{
    public RegisterModelVersionValidator()
    {
        RuleFor(r => r.Version).IsVersion();
        RuleFor(r => r.ArtifactSha256).IsSha256();
        RuleFor(r => r.Framework).NotEmpty().IsText(FieldRules.MaxNameLength);
        RuleFor(r => r.TrainingRunId).IsText(FieldRules.MaxNameLength * 2);
        RuleFor(r => r.CodeCommit).Matches("^[0-9a-f]{7,64}\\z").When(r => r.CodeCommit is not null)
            .WithMessage("'Code Commit' must be a hex commit id (7 to 64 characters).");
        RuleFor(r => r.TrainedOn).NotEmpty().WithMessage("'Trained On' must name at least one dataset (name@version).")
            .Must(t => t is null || t.Count <= FieldRules.MaxListLength).WithMessage("'Trained On' may hold at most 256 datasets.");
        RuleForEach(r => r.TrainedOn).IsDatasetId();
        RuleFor(r => r.RiskTier!).IsName().When(r => r.RiskTier is not null);
        RuleFor(r => r.Parameters).Must(p => p is null || p.Count <= FieldRules.MaxListLength)
            .WithMessage("'Parameters' may hold at most 256 entries.");
        RuleForEach(r => r.Parameters).Must(p => p.Key.Length is > 0 and <= FieldRules.MaxNameLength && FieldRules.IsPlainText(p.Key)
                                                 && p.Value.GetRawText().Length <= 4096 && FieldRules.HasNoNul(p.Value))
            .WithMessage("each parameter needs a name of 1-128 plain characters and a value of at most 4096 characters of JSON without NUL.");
    }
}

internal static class RegisteringVersions
{
    public static Task<IResult> Handle(string name, RegisterModelVersionRequest request, HttpContext http, LedgerWriter writer)
    {
        if (ModelName.Problem(name) is { } problem)
        {
            return Task.FromResult(problem);
        }

        return writer.Execute(http, request, async ledger =>
        {
            var stream = await ledger.FetchPrimary<ModelVersion>(StreamKeys.ModelVersion(name, request.Version));
            var datasets = await DatasetStatuses.Of(ledger.Session, request.TrainedOn, ledger.Cancellation);
            var events = ModelVersionDecider.Decide(new RegisterModelVersion(
                name, request.Version, request.ArtifactSha256, request.Framework, request.TrainingRunId, request.CodeCommit,
                request.TrainedOn, request.Parameters ?? new Dictionary<string, JsonElement>(), datasets, ledger.Actor.Id, ledger.Now)
            {
                RiskTier = request.RiskTier,
            },
                (await ledger.State(stream) ?? ModelVersion.Initial));
            await ledger.Append(stream, events, ModelEndpoints.Subject(name, request.Version, request.ArtifactSha256));
            var id = ModelVersionIds.Of(name, request.Version);
            return new WriteOutcome.Created(id, stream.Key!, $"/v1/models/{name}/versions/{request.Version}");
        });
    }
}

/// <summary>Route values are checked like body fields, with the same patterns and limits.</summary>
internal static class ModelName
{
    private static readonly System.Text.RegularExpressions.Regex Name = new(FieldRules.NamePattern);
    private static readonly System.Text.RegularExpressions.Regex Version = new(FieldRules.VersionPattern);

    public static IResult? Problem(string name, string? version = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (name.Length > FieldRules.MaxNameLength || !Name.IsMatch(name))
        {
            errors["name"] = [$"The model name {FieldRules.NameMessage} (at most {FieldRules.MaxNameLength})."];
        }

        if (version is not null && (version.Length > FieldRules.MaxVersionLength || !Version.IsMatch(version)))
        {
            errors["version"] = [$"The version {FieldRules.VersionMessage} (at most {FieldRules.MaxVersionLength})."];
        }

        return errors.Count == 0 ? null : Problems.Invalid(errors);
    }
}
