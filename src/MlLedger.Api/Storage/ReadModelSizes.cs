using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using MlLedger.Api.Hosting;
using MlLedger.Api.Http;

namespace MlLedger.Api.Storage;

/// <summary>
/// A read model is one document per stream, and some grow with their stream (a dataset's checks, a model version's
/// evaluations): a read of one loads it whole. One stored in more than <see cref="ReadLimits.ReadModelBytes"/> is not
/// loaded; the answer is 422 <c>resource-too-large</c>, and its entries are read a page at a time through the stream's
/// verification or the export. The size is PostgreSQL's stored size of the document (after its compression), read
/// without loading it.
/// </summary>
internal static class ReadModelSizes
{
    /// <returns>Null when the document may be loaded (or there is none); otherwise the 422 to answer.</returns>
    public static async Task<ProblemHttpResult?> Refusal<T>(IQuerySession session, LedgerDatabase database, ReadLimits limits, string id, string what,
        string stream, CancellationToken ct)
    {
        var max = limits.ReadModelBytes;
        var table = session.DocumentStore.Options.FindOrResolveDocumentType(typeof(T)).TableName.QualifiedName;
        await using var command = database.Source.CreateCommand($"SELECT pg_column_size(data) FROM {table} WHERE id = $1");
        command.Parameters.AddWithValue(id);
        var stored = await command.ExecuteScalarAsync(ct) is int bytes ? bytes : 0L;
        return stored <= max
            ? null
            : Problems.Of(StatusCodes.Status422UnprocessableEntity, "resource-too-large",
                $"{what} is stored in {stored:N0} bytes, more than a read loads at once ({max:N0}). " +
                $"Read its entries a page at a time: GET /v1/verification/streams?stream={Uri.EscapeDataString(stream)} or GET /v1/export.",
                new Dictionary<string, object?> { ["storedBytes"] = stored, ["limit"] = max });
    }
}
