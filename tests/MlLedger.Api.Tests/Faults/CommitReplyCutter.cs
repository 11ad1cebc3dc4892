using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MlLedger.Api.Tests.Faults;

/// <summary>
/// A TCP relay between the ledger and PostgreSQL that can lose the reply to one COMMIT: once a connection has
/// carried a given marker (e.g. a dataset name) and then a COMMIT, the relay waits for PostgreSQL's reply (so the
/// commit has been carried out) and closes both sides instead of passing it on. The ledger then sees its connection
/// break during COMMIT, for a transaction that did land.
/// </summary>
public sealed class CommitReplyCutter : IAsyncDisposable
{
    /// <summary>The protocol's simple Query message carrying COMMIT (type 'Q', length 11, the text, NUL), as Npgsql sends it.</summary>
    private static readonly byte[] Commit = [(byte)'Q', 0, 0, 0, 11, .. "COMMIT"u8, 0];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _serverPort;
    private readonly Task _accepting;
    private volatile string? _marker;

    private CommitReplyCutter(int serverPort)
    {
        _serverPort = serverPort;
        _listener.Start();
        _accepting = Task.Run(Accept);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Replies cut so far.</summary>
    public int Cut { get; private set; }

    public static CommitReplyCutter Start(int serverPort) => new(serverPort);

    /// <summary>Cuts the reply to the next COMMIT on a connection that carried <paramref name="marker"/>; once.</summary>
    public void CutCommitAfter(string marker) => _marker = marker;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the listener was stopped
        }

        _stop.Dispose();
    }

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => Relay(client));
        }
    }

    private async Task Relay(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _serverPort, _stop.Token);
            var cut = new CutState();
            var up = Pump(client.GetStream(), server.GetStream(), cut, fromClient: true);
            var down = Pump(server.GetStream(), client.GetStream(), cut, fromClient: false);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // a side went away: the connection ends, as it would without the relay
        }
    }

    private async Task Pump(NetworkStream from, NetworkStream to, CutState cut, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            if (!fromClient && cut.Armed)
            {
                Cut++;
                return; // PostgreSQL answered the COMMIT: the answer is lost, and both sides are closed
            }

            var bytes = buffer.AsSpan(0, read);
            if (fromClient && _marker is { } marker && bytes.IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0)
            {
                cut.SawMarker = true;
            }

            if (fromClient && cut.SawMarker && bytes.IndexOf(Commit) >= 0 && _marker is not null)
            {
                _marker = null;
                cut.Armed = true;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private sealed class CutState
    {
        public volatile bool SawMarker;
        public volatile bool Armed;
    }
}
