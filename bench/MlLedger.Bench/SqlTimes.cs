using System.Diagnostics;

namespace MlLedger.Bench;

/// <summary>
/// SQL time of the reads a lineage query or a report makes, from Npgsql's ActivitySource, grouped by what the statement
/// reads. Only statements made while serving an HTTP request (under ASP.NET Core's request activity) and recognised as
/// the report path's are counted, so the sequencer's and the checkpoint issuer's reads in the background are left out.
/// A read's time runs from sending it to the reader's close, so it includes
/// moving the rows, not what the host does with them afterwards.
/// </summary>
internal sealed class SqlTimes : IDisposable
{
    public const string LineageEdges = "lineage edges (walk)";
    public const string LineageNodes = "lineage nodes";
    public const string Entries = "entries with leaves";
    public const string PeriodStreams = "streams stored around the period";

    private const string AspNetCore = "Microsoft.AspNetCore";
    private readonly ActivityListener _listener;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Commands, double Milliseconds)> _times = new(StringComparer.Ordinal);
    private volatile bool _armed;

    public SqlTimes()
    {
        _listener = new ActivityListener
        {
            // the host's request activities too: they are the parents that tell a request's SQL from background work
            ShouldListenTo = source => source.Name is "Npgsql" or AspNetCore,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => _armed ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Arm()
    {
        lock (_gate)
        {
            _times.Clear();
        }

        _armed = true;
    }

    /// <summary>Stops and answers the times seen since <see cref="Arm"/>, by kind of statement.</summary>
    public IReadOnlyDictionary<string, (int Commands, double Milliseconds)> Collect()
    {
        _armed = false;
        lock (_gate)
        {
            return new Dictionary<string, (int, double)>(_times, StringComparer.Ordinal);
        }
    }

    public void Dispose() => _listener.Dispose();

    private static bool InRequest(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.Source.Name == AspNetCore)
            {
                return true;
            }
        }

        return false;
    }

    private void Stopped(Activity activity)
    {
        if (!_armed || activity.Source.Name != "Npgsql" || !InRequest(activity))
        {
            return;
        }

        var sql = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
        var kind = sql.Contains("lineage_edges", StringComparison.Ordinal) ? LineageEdges
            : sql.Contains("lineage_nodes", StringComparison.Ordinal) ? LineageNodes
            : sql.Contains("JOIN", StringComparison.Ordinal) && sql.Contains("log_leaves", StringComparison.Ordinal) ? Entries
            : sql.Contains("SELECT DISTINCT stream_id", StringComparison.Ordinal) ? PeriodStreams
            : null;
        if (kind is null)
        {
            return;
        }

        lock (_gate)
        {
            var (commands, ms) = _times.GetValueOrDefault(kind);
            _times[kind] = (commands + 1, ms + activity.Duration.TotalMilliseconds);
        }
    }
}
