using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
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
    /// <summary>The resources of a topology on <paramref name="provider"/>, its database server included.</summary>
    public static IReadOnlyList<string> Resources(string provider) => provider == DataProviders.Postgres
        ? [ShopResources.Postgres, ShopResources.Cache, .. ShopServices.All]
        : [ShopResources.Cache, .. ShopServices.All];

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
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(
            ["Services:FixedPorts=false", $"{DataProviders.Setting}={provider}", .. settings]);
        configure?.Invoke(builder);
        var replicas = builder.Configuration.GetValue("Services:Replicas", defaultValue: 1);
        var app = await builder.BuildAsync().WaitAsync(timeout);
        try
        {
            var watch = ResourceWatch.Of(app);
            built?.Invoke(app);
            await app.StartAsync().WaitAsync(timeout);
            foreach (var resource in healthy ?? Resources(provider))
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(timeout);
                if (ShopServices.All.Contains(resource))
                {
                    await watch.HealthyAsync(resource, replicas, timeout);
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

    /// <summary>
    /// Ends the topology at once rather than stopping it: nothing a test topology holds needs a graceful stop (what the
    /// services acknowledged is committed), and the orchestrator's graceful stop costs seconds a topology. A local
    /// PostgreSQL gets an immediate shutdown (SIGQUIT), which, unlike SIGKILL, also ends its worker processes and frees
    /// its shared memory.
    /// </summary>
    public static async Task StopAsync(DistributedApplication app, string provider)
    {
        var watch = ResourceWatch.Of(app);
        foreach (var resource in Resources(provider))
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
                }
            }
        }

        await app.DisposeAsync();
    }

    /// <summary>Where a topology on <paramref name="dataDirectory"/> keeps a local PostgreSQL cluster, which may lie outside it.</summary>
    public static string PostgresClusterOf(string dataDirectory) => LocalPostgresCluster.For(dataDirectory).Directory;

    private static async Task WaitForExitAsync(int processId)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(10) && Directory.Exists($"/proc/{processId}"); waited += TimeSpan.FromMilliseconds(50))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
