using MlLedger.Policies.Testing;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Testing;

/// <summary>The base facts of the example-case files written in the tests, and reading one case after them.</summary>
internal static class PolicyCaseSamples
{
    /// <summary>Base facts on lines 1-8; the cases start on line 10.</summary>
    public const string BaseFacts = $$"""
        facts:
          request: { kind: promotion, targetStage: staging, environment: null, requester: alice, artifactSha256: null, at: "2026-03-01T09:00:00Z" }
          modelVersion: { id: churn@7, model: churn, version: "7", artifactSha256: {{Facts.Sha}}, stage: none, riskTier: null, retired: false, trainedOn: [], stageHistory: [], entry: null }
          datasets: []
          evaluations: []
          promotion: { id: p-1, targetStage: staging, status: pending, requestedBy: alice, artifactSha256: {{Facts.Sha}}, entry: null }
          approvals:
            - { approver: bob, roles: [approver], artifactSha256: {{Facts.Sha}}, at: "2026-03-01T08:00:00Z", entry: null }
        cases:

        """;

    public static PolicyCase Single(string cases) => Assert.Single(PolicyCases.Read("c.test.yaml", BaseFacts + cases));
}
