using Marten;
using MlLedger.Api.Keys;
using MlLedger.Api.Ledger;
using MlLedger.Domain;
using MlLedger.Domain.Policies;
using MlLedger.Integrity.Statements;

namespace MlLedger.Api.Policies;

/// <summary>
/// At start-up: when the loaded policy set's digest differs from the last one published, records a signed
/// PolicySetPublished entry with every file verbatim. The ledger itself is the actor.
/// </summary>
internal sealed partial class PolicySetPublisher(
    IDocumentStore store, LedgerKeys keys, TimeProvider clock, PolicyGate gate, ILogger<PolicySetPublisher> log)
    : IHostedService
{
    public const string Publisher = "mlledger";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var set = gate.Policies;
        var digest = set.Digest;
        var count = set.Policies.Count;
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            using var lease = await keys.EnterWriteAsync(cancellationToken);
            var ledger = new WriteContext(session, lease.Keys.Sealer, lease.Keys.Trusted, new Actor(Publisher, []), clock.GetUtcNow(), null, cancellationToken);
            var stream = await ledger.Fetch<PolicySetHistory>(StreamKeys.PolicySets);
            var history = await ledger.State(stream) ?? PolicySetHistory.Initial;
            if (history.Current == set.Digest)
            {
                Unchanged(log, digest, count);
                return;
            }

            var published = new PolicySetPublished(set.Digest, set.Files, Publisher, ledger.Now);
            await ledger.Append(stream, [published], new StatementSubject("policy-set", set.Digest));
            try
            {
                await ledger.CommitAsync(new WriteOutcome.Done(set.Digest, StreamKeys.PolicySets), idempotency: null);
                Published(log, digest, count, history.Current ?? "none");
                return;
            }
            catch (JasperFx.ConcurrencyException) when (attempt < 5)
            {
                // another node published at the same moment: look again
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy set {Digest} ({Count} policies) is the one published last")]
    private static partial void Unchanged(ILogger logger, string digest, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published policy set {Digest} ({Count} policies), replacing {Previous}")]
    private static partial void Published(ILogger logger, string digest, int count, string previous);
}
