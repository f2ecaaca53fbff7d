using System.Globalization;
using Garnet;

namespace Shop.Tests.Infrastructure.InProcess;

/// <summary>A Garnet cache server inside the test process, on a free loopback port, with a password of its own.</summary>
public sealed class InProcessCache : IDisposable
{
    // Garnet reads its options through a serializer of its own that fails when two servers are made at once.
    private static readonly Lock Construction = new();

    private readonly GarnetServer _server;

    public InProcessCache()
    {
        var port = LoopbackPort.Free();
        var password = Guid.NewGuid().ToString("N");
        lock (Construction)
        {
            _server = new GarnetServer(
            [
                "--bind", "127.0.0.1",
                "--port", port.ToString(CultureInfo.InvariantCulture),
                "--auth", "Password",
                "--password", password,
                "--memory", "16m",
                "--page", "1m",
                "--index", "1m"
            ]);
        }

        _server.Start();
        ConnectionString = $"127.0.0.1:{port},password={password}";
    }

    /// <summary>The connection string a service reads as <c>ConnectionStrings:cache</c>.</summary>
    public string ConnectionString { get; }

    public void Dispose() => _server.Dispose();
}
