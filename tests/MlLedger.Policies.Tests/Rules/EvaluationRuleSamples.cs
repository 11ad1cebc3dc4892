using MlLedger.Domain.Policies;
using MlLedger.Policies.Tests.Support;

namespace MlLedger.Policies.Tests.Rules;

/// <summary>The holdout AUC rule and the facts the evaluation rule tests decide it on.</summary>
internal static class EvaluationRuleSamples
{
    public const string HoldoutAuc = """
          - id: holdout-auc
            kind: evaluation
            dataset: { tags: [holdout] }
            metric: auc
            op: ">="
            threshold: 0.85
        """;

    public static PolicyFacts WithEvaluations(params EvaluationFact[] evaluations) => Facts.Production() with { Evaluations = evaluations };
}
