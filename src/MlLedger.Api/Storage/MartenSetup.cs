using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using MlLedger.Api.Ledger;
using MlLedger.Api.Log;
using MlLedger.Api.Keys;
using Weasel.Core;

namespace MlLedger.Api.Storage;

internal static class MartenSetup
{
    public static void Configure(StoreOptions options, string connectionString, string schema, LedgerKeys keys)
    {
        options.Connection(connectionString);
        options.DatabaseSchemaName = schema;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.UseSystemTextJsonForSerialization(LedgerJson.Create(), EnumStorage.AsString, Casing.CamelCase);

        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.Events.MetadataConfig.HeadersEnabled = true;
        foreach (var (name, type) in EventCatalog.Types)
        {
            options.Events.MapEventType(type, name);
        }

        // Read models the API serves, updated in the same transaction as the events (read-your-writes).
        options.Projections.Add(new DatasetProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new ModelVersionProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new PromotionProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new DeploymentProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new PolicyCheckProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new PolicySetHistoryProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new LedgerKeyHistoryProjection(), ProjectionLifecycle.Inline);
        options.Projections.Add(new IssuedReportProjection(), ProjectionLifecycle.Inline);

        // the lineage graph, indexed as the events commit
        options.Storage.ExtendedSchemaObjects.AddRange(Lineage.LineageSchema.Tables(schema));
        options.Projections.Add(new Lineage.LineageProjection(schema), ProjectionLifecycle.Inline);

        // the audit trail's index (stream, type, actor, signed time), as the events commit
        options.Storage.ExtendedSchemaObjects.AddRange(Entries.EntryIndex.Objects(schema));
        options.Projections.Add(new Entries.EntryIndexProjection(schema), ProjectionLifecycle.Inline);

        // policy decisions look up a model version's promotions to a stage
        options.Schema.For<MlLedger.Domain.Promotions.Promotion>().Index(p => p.ModelVersionId);

        options.Schema.For<IdempotencyRecord>().Identity(r => r.Id);

        // The transparency log: the daemon appends every entry, in sequence order, as the next Merkle leaf.
        options.Storage.ExtendedSchemaObjects.AddRange(LogSchema.Tables(schema));
        options.Schema.For<LogState>().Identity(s => s.Id);
        options.Projections.Add(new LogSequencer(keys, schema), ProjectionLifecycle.Async);
        // wake the sequencer on every append (LISTEN/NOTIFY) instead of waiting for the next poll; polling stays as the fallback
        options.Events.UseListenNotifyForEventAppends = true;
        // an entry the sequencer refuses (not signed by a ledger key it knows) pauses the log instead of being skipped:
        // a skipped entry would be left out of the log for good, even one a node with a newer key ring would accept
        options.Projections.Errors.SkipApplyErrors = false;
    }
}
