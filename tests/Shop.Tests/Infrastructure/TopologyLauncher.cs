using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Shop.Contracts;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// Starts the whole topology from the AppHost the way the tests and the benchmark run it: on free ports, so that it
/// can run beside a developer's AppHost and beside other topologies, with the given AppHost settings, and waits until
/// every resource is healthy.
/// </summary>
public static class TopologyLauncher
{
    public static IReadOnlyList<string> Resources { get; } = [ShopResources.Cache, ShopServices.Users, ShopServices.Products, ShopServices.Orders];

    /// <param name="settings">AppHost settings such as <c>Reservations:HoldTimeout=00:00:02</c>.</param>
    /// <param name="configure">Changes to the AppHost's services before it is built, such as log filters.</param>
    /// <param name="built">Runs once the application is built and before it starts, e.g. to watch resource logs.</param>
    public static async Task<DistributedApplication> StartAsync(
        IEnumerable<string> settings, TimeSpan timeout,
        Action<IDistributedApplicationTestingBuilder>? configure = null, Action<DistributedApplication>? built = null)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Shop_AppHost>(["Services:FixedPorts=false", .. settings]);
        configure?.Invoke(builder);
        var app = await builder.BuildAsync().WaitAsync(timeout);
        try
        {
            built?.Invoke(app);
            await app.StartAsync().WaitAsync(timeout);
            foreach (var resource in Resources)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(timeout);
            }

            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
