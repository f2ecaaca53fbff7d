using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Shop.AppHost;

namespace Shop.Tests.Infrastructure;

/// <summary>The replicas of a service run several times: finding, calling, stopping and starting each.</summary>
public sealed partial class ShopTopology
{
    /// <summary>The running processes of a service that has several (<c>Services:Replicas</c>), each at its own address.</summary>
    public async Task<IReadOnlyList<Replica>> ReplicasAsync(string resource)
    {
        var replicas = new List<Replica>();
        foreach (var (id, processId) in ResourceWatch.Of(_app).Running(resource))
        {
            replicas.Add(new(id, processId, await AddressOfProcessAsync(processId)));
        }

        return replicas;
    }

    /// <summary>Clients of every replica of <paramref name="resource"/>, carrying <paramref name="accessToken"/> when given.</summary>
    public async Task<ReplicaClients> ReplicaClientsAsync(string resource, string? accessToken = null) =>
        new([.. (await ReplicasAsync(resource)).Select(replica => ClientOf(replica, accessToken))]);

    /// <summary>A client of one replica, past the orchestrator's proxy, carrying <paramref name="accessToken"/> when given.</summary>
    public static HttpClient ClientOf(Replica replica, string? accessToken = null) => ClientOf(replica.Address, accessToken);

    /// <summary>A client of a service at <paramref name="address"/>, carrying <paramref name="accessToken"/> when given.</summary>
    public static HttpClient ClientOf(Uri address, string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = address };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        }

        return client;
    }

    /// <summary>
    /// A client of a service at <paramref name="address"/> (its proxy, or one replica) that connects from the loopback
    /// address <paramref name="source"/>, such as 127.0.0.2: as a client of another machine would, as far as the
    /// service can tell.
    /// </summary>
    public static HttpClient ClientFrom(IPAddress source, Uri address) =>
        new(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(source.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    var host = context.DnsEndPoint.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(context.DnsEndPoint.Host);
                    await socket.ConnectAsync(new IPEndPoint(host, context.DnsEndPoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
        })
        {
            BaseAddress = address
        };

    /// <summary>Stops one replica the way an orchestrator does, with SIGTERM, and waits until Aspire sees it gone.</summary>
    public Task StopReplicaAsync(string resource, Replica replica) => SignalReplicaAsync(resource, replica, "-TERM");

    /// <summary>Kills one replica outright (SIGKILL), as a crash of its machine would, and waits until Aspire sees it gone.</summary>
    public Task KillReplicaAsync(string resource, Replica replica) => SignalReplicaAsync(resource, replica, "-KILL");

    private async Task SignalReplicaAsync(string resource, Replica replica, string signal)
    {
        await RunAsync("kill", signal, replica.ProcessId.ToString(CultureInfo.InvariantCulture));
        await Eventually.HoldsAsync(() => Task.FromResult(ResourceWatch.Of(_app).Running(resource).All(r => r.Id != replica.Id)),
            $"{replica.Id} still runs.");
    }

    /// <summary>
    /// Starts a stopped replica again with the dashboard's Start command, and waits until every replica, the new process
    /// among them, answers its own /health.
    /// </summary>
    public async Task StartReplicaAsync(string resource, Replica replica, int replicas)
    {
        var result = await _app.ResourceCommands.ExecuteCommandAsync(replica.Id, KnownResourceCommands.StartCommand).WaitAsync(StartTimeout);
        Assert.True(result.Success, result.Message);
        await Eventually.HoldsAsync(async () =>
        {
            var running = await ReplicasAsync(resource);
            if (running.Count != replicas || running.Any(r => r.ProcessId == replica.ProcessId))
            {
                return false;
            }

            foreach (var instance in running)
            {
                using var client = ClientOf(instance);
                if (await HealthOfAsync(client) is null)
                {
                    return false;
                }
            }

            return true;
        }, $"{replica.Id} did not start again.", StartTimeout);
    }

    /// <summary>
    /// Runs the AppHost's command "Restart one at a time" on <paramref name="resource"/>, as the dashboard does from the
    /// row of one of its replicas, and waits until every replica has been restarted.
    /// </summary>
    public async Task<ExecuteCommandResult> RestartOneAtATimeAsync(string resource)
    {
        var replica = (await ReplicasAsync(resource))[0];
        return await _app.ResourceCommands.ExecuteCommandAsync(replica.Id, RollingRestartExtensions.CommandName).WaitAsync(TimeSpan.FromMinutes(10));
    }

    /// <summary>Where a service's process listens: the address the AppHost gave it (<c>ASPNETCORE_URLS</c>), behind the proxy.</summary>
    private static async Task<Uri> AddressOfProcessAsync(int processId)
    {
        const string Variable = "ASPNETCORE_URLS=";
        var environment = (await File.ReadAllTextAsync($"/proc/{processId}/environ", TestContext.Current.CancellationToken)).Split('\0');
        var urls = environment.Single(v => v.StartsWith(Variable, StringComparison.Ordinal))[Variable.Length..];
        return new Uri(urls.Split(';')[0]);
    }
}
