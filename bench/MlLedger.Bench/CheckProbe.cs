using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MlLedger.Bench;

/// <summary>Where the server spent one policy check: the endpoint's time, and its SQL split into reads and writes.</summary>
internal readonly record struct CheckTimes(long Handler, long DbRead, long DbWrite, int ReadCommands, int WriteCommands)
{
    /// <summary>Endpoint time outside timed SQL: binding, evaluation, signing, serialization, and the COMMIT round trip.</summary>
    public long Other => Math.Max(0, Handler - DbRead - DbWrite);
}

/// <summary>
/// Ad-hoc timers for the breakdown of POST /v1/policy/check, from outside src: a middleware added to the built
/// host (it runs after authentication and authorization, around the endpoint) and a listener on Npgsql's
/// ActivitySource timing each SQL command. Checks are sent one at a time while it is armed, so everything it sees
/// belongs to the check in flight. Npgsql does not trace COMMIT; it falls into <see cref="CheckTimes.Other"/>.
/// </summary>
internal sealed class CheckProbe : IDisposable
{
    public const string CheckPath = "/v1/policy/check";

    private readonly ActivityListener _listener;
    private readonly SemaphoreSlim _done = new(0);
    private readonly Lock _gate = new();
    private readonly List<(string Sql, double Milliseconds)> _statements = [];
    private volatile bool _armed;
    private bool _keepStatements;
    private long _handler;
    private long _dbRead;
    private long _dbWrite;
    private int _readCommands;
    private int _writeCommands;

    public CheckProbe()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            // nothing is recorded while disarmed, so seeding runs without tracing overhead
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => _armed ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Adds the timing middleware; call before the host starts.</summary>
    public void Attach(WebApplication app) => app.Use(async (HttpContext context, RequestDelegate next) =>
    {
        if (!_armed || !context.Request.Path.Equals(CheckPath, StringComparison.Ordinal))
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
            Interlocked.Exchange(ref _handler, Stopwatch.GetTimestamp() - start);
            _done.Release();
        }
    });

    /// <summary>Starts timing the next check; with <paramref name="keepStatements"/> it also keeps its SQL text.</summary>
    public void Arm(bool keepStatements = false)
    {
        lock (_gate)
        {
            _handler = _dbRead = _dbWrite = 0;
            _readCommands = _writeCommands = 0;
            _keepStatements = keepStatements;
            _statements.Clear();
        }

        while (_done.CurrentCount > 0)
        {
            _done.Wait(0);
        }

        _armed = true;
    }

    /// <summary>The times of the check sent since <see cref="Arm"/>, once the server's side of it has finished.</summary>
    public async Task<CheckTimes> CollectAsync(CancellationToken ct)
    {
        await _done.WaitAsync(TimeSpan.FromSeconds(10), ct);
        _armed = false;
        lock (_gate)
        {
            return new CheckTimes(_handler, _dbRead, _dbWrite, _readCommands, _writeCommands);
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

    private void Stopped(Activity activity)
    {
        if (!_armed)
        {
            return;
        }

        var sql = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
        var ticks = (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            if (IsWrite(sql))
            {
                _dbWrite += ticks;
                _writeCommands++;
            }
            else
            {
                _dbRead += ticks;
                _readCommands++;
            }

            if (_keepStatements)
            {
                _statements.Add((sql, activity.Duration.TotalMilliseconds));
            }
        }
    }

    /// <summary>Marten's SaveChanges batch: inserts, updates and the mt_* append and upsert functions.</summary>
    private static bool IsWrite(string sql) =>
        sql.Contains("insert into", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("update ", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("mt_upsert", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("mt_insert", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("mt_update", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("mt_quick_append", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("mt_append", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        _listener.Dispose();
        _done.Dispose();
    }
}
