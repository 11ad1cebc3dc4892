using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace MlLedger.Api.Log;

/// <summary>
/// The transparency log's tables, created with the rest of the schema:
/// <list type="bullet">
/// <item><c>log_leaves</c>: leaf index ↔ event sequence number, in the order the sequencer appended them;</item>
/// <item><c>log_nodes</c>: every complete subtree hash (level 0 = leaf hashes), so that a proof reads O(log n) rows;</item>
/// <item><c>log_checkpoints</c>: every signed checkpoint ever issued.</item>
/// </list>
/// Rows are only ever inserted.
/// </summary>
internal static class LogSchema
{
    public const string Leaves = "log_leaves";
    public const string Nodes = "log_nodes";
    public const string Checkpoints = "log_checkpoints";

    /// <summary>The schema name quoted for SQL text.</summary>
    public static string Quote(string schema) => new Npgsql.NpgsqlCommandBuilder().QuoteIdentifier(schema);

    public static IEnumerable<Table> Tables(string schema)
    {
        var leaves = new Table(new PostgresqlObjectName(schema, Leaves, SchemaUtils.IdentifierUsage.General));
        leaves.AddColumn<long>("idx").AsPrimaryKey();
        leaves.AddColumn<long>("seq").NotNull().AddIndex(index => index.IsUnique = true);
        yield return leaves;

        var nodes = new Table(new PostgresqlObjectName(schema, Nodes, SchemaUtils.IdentifierUsage.General));
        nodes.AddColumn<int>("level").AsPrimaryKey();
        nodes.AddColumn<long>("idx").AsPrimaryKey();
        nodes.AddColumn("hash", "bytea").NotNull();
        yield return nodes;

        var checkpoints = new Table(new PostgresqlObjectName(schema, Checkpoints, SchemaUtils.IdentifierUsage.General));
        checkpoints.AddColumn<long>("tree_size").AsPrimaryKey();
        checkpoints.AddColumn("root_hash", "bytea").NotNull();
        checkpoints.AddColumn("note", "text").NotNull();
        checkpoints.AddColumn("key_id", "text").NotNull();
        checkpoints.AddColumn("issued_at", "timestamp with time zone").NotNull();
        yield return checkpoints;
    }
}
