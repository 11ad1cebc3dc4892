using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace MlLedger.Api.Lineage;

/// <summary>
/// The lineage index, written in the same transaction as the events it comes from (see <see cref="LineageProjection"/>).
/// Rows are only ever inserted, each stamped with its entry's sequence number and time, so that the graph can be read as
/// of any tree size or time.
/// </summary>
internal static class LineageSchema
{
    public const string Nodes = "lineage_nodes";
    public const string Edges = "lineage_edges";

    /// <summary>Watermarks of jobs over the index: the last sequence number the backfill has indexed.</summary>
    public const string Marks = "lineage_marks";

    public static IEnumerable<Table> Tables(string schema)
    {
        var nodes = new Table(new PostgresqlObjectName(schema, Nodes, SchemaUtils.IdentifierUsage.General));
        nodes.AddColumn("node", "text").AsPrimaryKey();
        nodes.AddColumn<long>("seq").AsPrimaryKey();
        nodes.AddColumn("kind", "text").NotNull();
        nodes.AddColumn("label", "text").NotNull();
        nodes.AddColumn("status", "text").NotNull();
        nodes.AddColumn("at", "timestamp with time zone").NotNull();
        yield return nodes;

        var edges = new Table(new PostgresqlObjectName(schema, Edges, SchemaUtils.IdentifierUsage.General));
        edges.AddColumn("source", "text").AsPrimaryKey();
        edges.AddColumn("target", "text").AsPrimaryKey().AddIndex();
        edges.AddColumn("relation", "text").AsPrimaryKey();
        edges.AddColumn<long>("seq").AsPrimaryKey();
        edges.AddColumn("at", "timestamp with time zone").NotNull();
        yield return edges;

        var marks = new Table(new PostgresqlObjectName(schema, Marks, SchemaUtils.IdentifierUsage.General));
        marks.AddColumn("name", "text").AsPrimaryKey();
        marks.AddColumn<long>("seq").NotNull();
        marks.AddColumn("done_at", "timestamp with time zone").NotNull();
        yield return marks;
    }
}
