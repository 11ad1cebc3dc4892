using System.Net;
using System.Net.Sockets;

namespace MlLedger.Api.Hosting;

internal static class LoopbackPorts
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the system's choice for port 0).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
