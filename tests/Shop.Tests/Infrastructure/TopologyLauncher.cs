using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.AppHost.Events;
using Shop.AppHost.Postgres;
using Shop.Contracts;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// Starts the whole topology from the AppHost the way the tests and the benchmark run it: on free ports, so that it
/// can run beside a developer's AppHost and beside other topologies, on the given data provider, with the given AppHost
/// settings, and waits until every resource is healthy.
/// </summary>
public static class TopologyLauncher
{
    /// <summary>
    /// The resources of a topology on <paramref name="provider"/> started with <paramref name="settings"/>: its database
    /// server, and its broker (with the local broker's port mapper) when its events run on one.
    /// </summary>
    public static IReadOnlyList<string> Resources(string provider, IEnumerable<string>? settings = null) =>
        Resources(provider, EventsHostOf(settings ?? []));

    /// <summary>Where a topology started with <paramref name="settings"/> runs its events (<c>Events:Host</c>, as the AppHost chooses).</summary>
    internal static EventsHost EventsHostOf(IEnumerable<string> settings) =>
        EventsHostSelector.Choose(new ConfigurationBuilder().AddCommandLine([.. settings]).Build()[EventsHostSelector.SettingName]).Host;

    /// <summary>Whether the events of a topology started with <paramref name="settings"/> run on a broker, rather than over HTTP.</summary>
    public static bool EventsRunOnBroker(IEnumerable<string> settings) => EventsHostOf(settings) != EventsHost.Http;

    /// <summary>The broker's resources of a topology whose events run on <paramref name="host"/>: the port mapper first, which the broker waits for.</summary>
    internal static IReadOnlyList<string> BrokerResources(EventsHost host) => host switch
    {
        EventsHost.RabbitMqServer => [EventsBuilderExtensions.PortMapperName(ShopResources.Events), ShopResources.Events],
        EventsHost.Container => [ShopResources.Events],
        _ => []
    };

    // A topology's start is a burst of processes (the orchestrator, a database cluster made and started, the cache, the
    // services' start-up): several at once on a small machine take longer, together, than any start's timeout. So as
    // many start at a time as the machine has cores, and a start's timeout counts from its turn.
    private static readonly SemaphoreSlim Starts = new(Environment.ProcessorCount);

    private static IReadOnlyList<string> Resources(string provider, EventsHost events) =>
    [
        .. provider == DataProviders.Postgres ? [ShopResources.Postgres] : Array.Empty<string>(),
        ShopResources.Cache,
        .. BrokerResources(events),
        .. ShopServices.All
    ];

    /// <param name="provider">The services' data provider, <see cref="DataProviders.Sqlite"/> or <see cref="DataProviders.Postgres"/>.</param>
    /// <param name="settings">AppHost settings such as <c>Reservations:HoldTimeout=00:00:02</c>.</param>
    /// <param name="configure">Changes to the AppHost's services before it is built, such as log filters.</param>
    /// <param name="built">Runs once the application is built and before it starts, e.g. to watch resource logs.</param>
    /// <param name="healthy">The resources to wait for; all of them unless a test watches some turn unhealthy.</param>
    public static async Task<DistributedApplication> StartAsync(
        string provider, IEnumerable<string> settings, TimeSpan timeout,
        Action<IDistributedApplicationTestingBuilder>? configure = null, Action<DistributedApplication>? built = null,
        IEnumerable<string>? healthy = null)
    {
        await Starts.WaitAsync();
        try
        {
            return await StartNowAsync(provider, settings, timeout, configure, built, healthy);
        }
        finally
        {
            Starts.Release();
        }
    }

    private static async Task<DistributedApplication> StartNowAsync(
        string provider, IEnumerable<string> settings, TimeSpan timeout, Action<IDistributedApplicationTestingBuilder>? configure,
        Action<DistributedApplication>? built, IEnumerable<string>? healthy)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(
            ["Services:FixedPorts=false", $"{DataProviders.Setting}={provider}", .. settings]);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var app = await builder.BuildAsync().WaitAsync(timeout);
        try
        {
            var watch = ResourceWatch.Of(app);
            built?.Invoke(app);
            await app.StartAsync().WaitAsync(timeout);
            var events = EventsHostSelector.Choose(builder.Configuration[EventsHostSelector.SettingName]).Host;
            foreach (var resource in healthy ?? Resources(provider, events))
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(timeout);
                if (ShopServices.All.Contains(resource))
                {
                    await watch.HealthyAsync(resource, ReplicasOf(configuration, resource), timeout);
                }
            }

            return app;
        }
        catch
        {
            await StopAsync(app, provider);
            throw;
        }
    }

    /// <summary>How many processes <paramref name="service"/> runs, as the AppHost reads its settings.</summary>
    public static int ReplicasOf(IConfiguration configuration, string service) =>
        configuration.GetValue($"Services:{service}:Replicas", configuration.GetValue("Services:Replicas", defaultValue: 1));

    /// <summary>
    /// Ends the topology at once rather than stopping it: nothing a test topology holds needs a graceful stop (what the
    /// services acknowledged is committed, and what the broker confirmed is on its disk), and the orchestrator's graceful
    /// stop costs seconds a topology. A local PostgreSQL gets an immediate shutdown (SIGQUIT), which, unlike SIGKILL, also
    /// ends its worker processes and frees its shared memory. A local broker's VM and its port mapper are killed and
    /// waited for, so that no node of a test outlives it (the VM's helper processes end with it).
    /// </summary>
    public static async Task StopAsync(DistributedApplication app, string provider)
    {
        var watch = ResourceWatch.Of(app);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        List<string> broker = [.. BrokerResources(EventsHost.RabbitMqServer).Where(name => model.Resources.Any(resource => resource.Name == name))];
        foreach (var resource in Resources(provider, EventsHost.Http).Concat(broker))
        {
            foreach (var (_, id) in watch.Running(resource))
            {
                if (resource == ShopResources.Postgres)
                {
                    using var signal = Process.Start("kill", ["-QUIT", id.ToString(CultureInfo.InvariantCulture)]);
                    await signal.WaitForExitAsync();
                    await WaitForExitAsync(id);
                }
                else
                {
                    try
                    {
                        Process.GetProcessById(id).Kill();
                    }
                    catch (ArgumentException)
                    {
                        // It has ended already.
                    }

                    if (broker.Contains(resource))
                    {
                        await WaitForExitAsync(id);
                    }
                }
            }
        }

        await app.DisposeAsync();
    }

    /// <summary>Where a topology on <paramref name="dataDirectory"/> keeps a local broker's node, which may lie outside it.</summary>
    public static string BrokerNodeOf(string dataDirectory) => LocalBrokerNode.For(dataDirectory).Directory;

    /// <summary>Where a topology on <paramref name="dataDirectory"/> keeps a local PostgreSQL cluster, which may lie outside it.</summary>
    public static string PostgresClusterOf(string dataDirectory) => LocalPostgresCluster.For(dataDirectory).Directory;

    /// <summary>Waits until the process has ended: gone, or a zombie that its parent, the orchestrator, has yet to reap.</summary>
    private static async Task WaitForExitAsync(int processId)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(10) && IsRunning(processId); waited += TimeSpan.FromMilliseconds(50))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>Whether the process runs: it exists and is no zombie (state Z in /proc/{pid}/stat, after the command in parentheses).</summary>
    public static bool IsRunning(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            // Gone before it could be opened (not found), or between the opening and the reading (no such process).
            return false;
        }
    }
}
