using System.Text.Json;
using System.Text.Json.Nodes;
using MlLedger.Domain.Policies;

namespace MlLedger.Api.Policies;

/// <summary>Decisions as the HTTP API shows them (camelCase, like every other answer).</summary>
internal static class PolicyJson
{
    public static JsonNode? Node(object? value) => value is null ? null : JsonSerializer.SerializeToNode(value, value.GetType(), JsonSerializerOptions.Web);

    /// <summary>The extra fields of a refusal the policies decided: <c>decision</c>.</summary>
    public static JsonObject? DecisionBody(PolicyDecision? decision) =>
        decision is null ? null : new JsonObject { ["decision"] = Node(decision) };
}
