namespace MlLedger.Api.Tests.Cli;

/// <summary>
/// <c>mlledger check</c> against a fake ledger that answers fixed JSON: what it sends, what it prints, and the exit
/// codes a CI job branches on (0 allowed, 1 denied, 2 anything that is not a decision).
/// </summary>
internal static class CheckCommandSamples
{
    public const string Token = "ci-token";
    public const string Digest = "bd4537cd74d21dcbc5bd52cbb33072cff29048646c33a23158604b02348b5ccf";
    public const string CheckId = "0195b000-0000-7000-8000-000000000009";

    public const string AllowedAnswer = $$"""
        {"id":"{{CheckId}}","allowed":true,"policySetDigest":"{{Digest}}",
         "decision":{"allowed":true,"policySetDigest":"{{Digest}}","modelVersionId":"churn@7","targetStage":"production",
           "policies":[{"id":"production","version":"1"}],
           "rules":[
             {"policy":"production","rule":"holdout-auc","kind":"evaluation","outcome":"passed","reason":"auc 0.91 >= 0.85 on dataset churn-holdout@3","evidence":[{"stream":"evaluations/eval-1","version":1}]},
             {"policy":"production","rule":"approved-artifact","kind":"artifact","outcome":"not-applicable","reason":"no artifact to compare yet","evidence":[]}],
           "summary":"allowed: 1 rule(s) of production v1 passed"},
         "entries":[{"seq":42,"hash":"9f2c"}]}
        """;

    public static string[] Check(FakeLedger ledger, params string[] more) =>
        ["check", "--model", "churn", "--version", "7", "--server", ledger.Address.ToString(), "--token", Token, .. more];
}
