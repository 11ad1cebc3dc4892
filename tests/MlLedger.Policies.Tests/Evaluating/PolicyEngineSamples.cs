namespace MlLedger.Policies.Tests.Evaluating;

/// <summary>Policy text shared by the policy engine tests.</summary>
internal static class PolicyEngineSamples
{
    public const string Pass = """
          - id: artifact
            kind: artifact
        """;

    public static string PolicyWith(string appliesTo, string id = "p") => $"""
        apiVersion: mlledger.dev/v1
        kind: Policy
        id: {id}
        version: "1"
        appliesTo:
        {appliesTo}
        rules:
          - id: artifact
            kind: artifact
        """;
}
