using System.Text.Json.Nodes;
using FluentValidation;
using MlLedger.Api.Http;
using MlLedger.Api.Ledger;
using MlLedger.Api.Models;
using MlLedger.Domain;
using MlLedger.Domain.Policies;

namespace MlLedger.Api.Policies;

/// <summary>A pipeline's question: may this model version go to this stage (or be deployed to this environment)?</summary>
/// <param name="ArtifactSha256">The digest the pipeline is about to deploy, to check it against the approved one.</param>
public sealed record PolicyCheckRequest(string Model, string Version, string? TargetStage, string? Environment, string? ArtifactSha256);

internal sealed class PolicyCheckValidator : AbstractValidator<PolicyCheckRequest>
{
    public PolicyCheckValidator()
    {
        RuleFor(r => r.Model).IsName();
        RuleFor(r => r.Version).IsVersion();
        RuleFor(r => r).Must(r => r.TargetStage is null != r.Environment is null)
            .WithName("TargetStage").WithMessage("Give exactly one of 'targetStage' and 'environment'.");
        RuleFor(r => r.TargetStage!).Must(s => StageNames.TryParse(s, out var stage) && stage != Stage.None)
            .WithMessage("'Target Stage' must be 'staging' or 'production'.").When(r => r.TargetStage is not null);
        RuleFor(r => r.Environment!).IsName().When(r => r.Environment is not null);
        RuleFor(r => r.ArtifactSha256!).IsSha256().When(r => r.ArtifactSha256 is not null);
    }
}

/// <summary>The answer of a check: the decision, and the entry that recorded it.</summary>
public sealed record PolicyCheckResponse(string Id, bool Allowed, string PolicySetDigest, PolicyDecision Decision, long Version, IReadOnlyList<EntryReceipt> Entries);

internal static class Checking
{
    /// <summary>
    /// A dry run: evaluates the policies as a promotion or deployment would be, changes nothing, and records the
    /// decision as a signed PolicyCheckPerformed entry (one per Idempotency-Key).
    /// </summary>
    public static Task<IResult> Handle(PolicyCheckRequest request, HttpContext http, LedgerWriter writer, PolicyGate gate) =>
        writer.Execute(http, request, async ledger =>
        {
            var stage = Stage.None;
            if (request.Environment is { } environment)
            {
                stage = gate.Policies.Environments.RequiredStageFor(environment)
                        ?? throw new BadCheck("unknown-environment",
                            $"Environment '{environment}' matches no pattern of the policy set's environment mapping.");
            }
            else if (!StageNames.TryParse(request.TargetStage, out stage))
            {
                throw new InvalidOperationException($"the validator let through target stage '{request.TargetStage}'");
            }

            var facts = new PolicyRequestFacts(PolicyRequestKinds.Check, StageNames.Of(stage), request.Environment, ledger.Actor.Id,
                request.ArtifactSha256, ledger.Now);
            var taken = await gate.Decide(ledger.Session, request.Model, request.Version, facts, promotion: null, ledger.Cancellation);
            WriteContext.RequireFound(taken is not null, $"Model version {ModelVersionIds.Of(request.Model, request.Version)}");
            var (checkFacts, decision) = taken!.Value;

            var id = Guid.CreateVersion7(ledger.Now).ToString();
            var stream = await ledger.FetchPrimary<PolicyCheck>(StreamKeys.PolicyCheck(id));
            var performed = new PolicyCheckPerformed(id, decision.ModelVersionId, decision.TargetStage, request.Environment,
                decision.PolicySetDigest, decision.Allowed, checkFacts, decision, ledger.Actor.Id, ledger.Now);
            var model = checkFacts.ModelVersion;
            await ledger.Append(stream, [performed], ModelEndpoints.Subject(model.Model, model.Version, model.ArtifactSha256));
            return new WriteOutcome.Answered(id, stream.Key!)
            {
                Body = new JsonObject
                {
                    ["allowed"] = decision.Allowed,
                    ["policySetDigest"] = decision.PolicySetDigest,
                    ["decision"] = PolicyJson.Node(decision),
                },
            };
        });
}

/// <summary>A check request that is well-formed but names something the policy set does not know: 400.</summary>
internal sealed class BadCheck(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
