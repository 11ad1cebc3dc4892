using Microsoft.Extensions.Diagnostics.HealthChecks;
using MlLedger.Api.Storage;
using Npgsql;

namespace MlLedger.Api.Log;

/// <summary>
/// Part of <c>/readyz</c>: Degraded (still serving; the ledger keeps accepting and signing entries) when the log has
/// stopped keeping up — an entry has waited longer than <see cref="Stalled"/> to be sequenced (the sequencer is
/// paused on an entry it refuses, or not running), or the last checkpoint attempt was refused because the stored
/// log contradicts what was signed before.
/// </summary>
internal sealed class LogHealthCheck(LedgerDatabase database, LogStore log, CheckpointIssuer issuer, TimeProvider clock) : IHealthCheck
{
    public static readonly TimeSpan Stalled = TimeSpan.FromSeconds(30);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (issuer.LastRefusal is { } refusal)
        {
            return HealthCheckResult.Degraded($"no checkpoint is signed: {refusal}");
        }

        try
        {
            var state = await log.State(cancellationToken);
            await using var command = database.Source.CreateCommand(
                $"SELECT min(seq_id), min(timestamp) FROM {database.EventsTable} WHERE seq_id > $1 AND stream_id <> '{LedgerDatabase.TombstoneStream}'");
            command.Parameters.AddWithValue(state.LastSequence);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.IsDBNull(1) && clock.GetUtcNow() - reader.GetFieldValue<DateTimeOffset>(1) > Stalled)
            {
                return HealthCheckResult.Degraded(
                    $"the log sequencer is stalled before entry {reader.GetInt64(0)} (see the log for the reason; GET /v1/verification/log names bad entries)");
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}
