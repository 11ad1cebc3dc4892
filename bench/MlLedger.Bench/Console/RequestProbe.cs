using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MlLedger.Bench;

/// <summary>Where the server spent one request: its time from the probe's middleware to the end of the answer, and its SQL.</summary>
internal readonly record struct ServerTimes(long Endpoint, long Sql, int Commands)
{
    /// <summary>Endpoint time outside timed SQL: the query's rows turned into objects after the reader closed, rendering, JSON.</summary>
    public long Rest => Math.Max(0, Endpoint - Sql);
}

/// <summary>
/// Times any request at the server, from outside src: a middleware added to the built host (it runs after authentication
/// and authorization, around the endpoint, which writes the whole answer) and a listener on Npgsql's ActivitySource that
/// sums the SQL commands made under the request's own activity, so the sequencer's and the checkpoint issuer's work in the
/// background is left out. Requests are sent one at a time while it is armed. A command's time runs from sending it to
/// the reader's close, so it includes moving the rows.
/// </summary>
internal sealed class RequestProbe : IDisposable
{
    private const string AspNetCore = "Microsoft.AspNetCore";
    private readonly ActivityListener _listener;
    private readonly SemaphoreSlim _done = new(0);
    private readonly Lock _gate = new();
    private readonly List<(string Sql, double Milliseconds)> _statements = [];
    private volatile bool _armed;
    private bool _keepStatements;
    private long _endpoint;
    private long _sql;
    private int _commands;

    public RequestProbe()
    {
        _listener = new ActivityListener
        {
            // the host's request activities too: they are the parents that tell a request's SQL from background work
            ShouldListenTo = source => source.Name is "Npgsql" or AspNetCore,
            // nothing is recorded while disarmed, so seeding runs without tracing overhead
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => _armed ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Adds the timing middleware; call before the host starts.</summary>
    public void Attach(WebApplication app) => app.Use(async (HttpContext context, RequestDelegate next) =>
    {
        if (!_armed)
        {
            await next(context);
            return;
        }

        var start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Exchange(ref _endpoint, Stopwatch.GetTimestamp() - start);
            _done.Release();
        }
    });

    /// <summary>Starts timing the next request; with <paramref name="keepStatements"/> it also keeps its SQL text.</summary>
    public void Arm(bool keepStatements = false)
    {
        lock (_gate)
        {
            _endpoint = _sql = 0;
            _commands = 0;
            _keepStatements = keepStatements;
            _statements.Clear();
        }

        while (_done.CurrentCount > 0)
        {
            _done.Wait(0);
        }

        _armed = true;
    }

    /// <summary>The times of the request sent since <see cref="Arm"/>, once the server's side of it has finished.</summary>
    public async Task<ServerTimes> CollectAsync(CancellationToken ct)
    {
        if (!await _done.WaitAsync(TimeSpan.FromSeconds(10), ct))
        {
            throw new BenchFailure("the request was answered but the probe's middleware did not see it end");
        }

        _armed = false;
        lock (_gate)
        {
            return new ServerTimes(_endpoint, _sql, _commands);
        }
    }

    public IReadOnlyList<(string Sql, double Milliseconds)> Statements
    {
        get
        {
            lock (_gate)
            {
                return [.. _statements];
            }
        }
    }

    public void Disarm() => _armed = false;

    public void Dispose()
    {
        _listener.Dispose();
        _done.Dispose();
    }

    /// <summary>Whether the activity is, or runs under, an HTTP request's (only seen while the probe is armed).</summary>
    public static bool InRequest(Activity? activity)
    {
        for (var parent = activity; parent is not null; parent = parent.Parent)
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
        lock (_gate)
        {
            _sql += (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency);
            _commands++;
            if (_keepStatements)
            {
                _statements.Add((sql, activity.Duration.TotalMilliseconds));
            }
        }
    }
}
