using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MlLedger.Bench;

/// <summary>
/// Counts the errors Marten logs inside the host (one per failed unit of work) instead of printing each with its
/// stack trace: serialization failures (SQLSTATE 40001, which the ledger retries) apart from everything else.
/// </summary>
internal sealed class MartenErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _samples = new();

    // Marten logs a failed batch once per command in it, with the same exception: count each failure once
    private readonly ConditionalWeakTable<Exception, object> _seen = [];
    private long _serialization;
    private long _other;

    public long SerializationFailures => Interlocked.Read(ref _serialization);

    public long Other => Interlocked.Read(ref _other);

    public IReadOnlyCollection<string> Samples => _samples;

    public ILogger CreateLogger(string categoryName) => new Counter(this);

    public void Dispose()
    {
    }

    private void Count(LogLevel level, string message, Exception? exception)
    {
        if (level < LogLevel.Error)
        {
            return;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure } failure)
            {
                if (_seen.TryAdd(failure, this))
                {
                    Interlocked.Increment(ref _serialization);
                }

                return;
            }
        }

        // Marten also logs that it could not roll back a transaction PostgreSQL had already aborted: not a failure of its own
        if (message.Contains("rollback", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (Interlocked.Increment(ref _other) <= 3)
        {
            _samples.Enqueue(exception?.Message ?? message);
        }
    }

    private sealed class Counter(MartenErrors owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Count(logLevel, formatter(state, exception), exception);
    }
}
