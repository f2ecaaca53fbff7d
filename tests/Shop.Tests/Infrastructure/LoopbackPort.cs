using System.Net;
using System.Net.Sockets;

namespace Shop.Tests.Infrastructure;

public static class LoopbackPort
{
    /// <summary>A loopback port nothing listens on: one the system just gave out and took back.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
