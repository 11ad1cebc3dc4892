using System.Net.Sockets;
using MlLedger.Api.Http;
using Npgsql;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// Which failures are an outage (503 storage-unavailable): the causes PostgreSQL and Npgsql give when the server
/// stops or the connection breaks, however deep Marten wraps them; and which are not.
/// </summary>
public sealed class StorageOutageTests
{
    private static PostgresException Fatal(string sqlState) => new("server says no", "FATAL", "FATAL", sqlState);

    public static TheoryData<string, Exception> Outages => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "stream ended mid-read", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "connection reset", new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer")) },
        { "57P01 admin shutdown, wrapped twice", new InvalidOperationException("Marten Command Failure", new InvalidOperationException("session unusable", Fatal(PostgresErrorCodes.AdminShutdown))) },
        { "57P03 shutting down", Fatal(PostgresErrorCodes.CannotConnectNow) },
        { "53300 too many connections", Fatal(PostgresErrorCodes.TooManyConnections) },
        { "rollback on a dead connection", new ObjectDisposedException("NpgsqlTransaction", Fatal(PostgresErrorCodes.AdminShutdown)) },
        { "one of several", new AggregateException(new InvalidOperationException("first"), new TimeoutException()) },
    };

    public static TheoryData<string, Exception> NotOutages => new()
    {
        { "unique violation", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation) },
        { "object in use (transient to Npgsql, not an outage)", new PostgresException("in use", "ERROR", "ERROR", PostgresErrorCodes.ObjectInUse) },
        { "lock not available, wrapped", new InvalidOperationException("Marten Command Failure", new PostgresException("no lock", "ERROR", "ERROR", PostgresErrorCodes.LockNotAvailable)) },
        { "a bug", new InvalidOperationException("no", new ArgumentException("bad")) },
        { "disposed for another reason", new ObjectDisposedException("NpgsqlTransaction") },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void An_outage_is_found_in_the_chain_of_causes(string what, Exception failure) =>
        Assert.True(StorageOutage.Any(failure), what);

    [Theory]
    [MemberData(nameof(NotOutages))]
    public void Other_failures_are_not_an_outage(string what, Exception failure) =>
        Assert.False(StorageOutage.Any(failure), what);
}
