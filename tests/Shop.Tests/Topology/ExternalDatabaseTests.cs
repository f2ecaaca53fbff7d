using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// A PostgreSQL server of the user's (<c>Data:PostgresHost=external</c>), as a managed server or a deployment gives one:
/// nothing but the server, which the AppHost neither starts nor prepares.
/// </summary>
public sealed class ExternalDatabaseTests
{
    [Fact]
    public async Task OnPostgresAnExternalServerWithoutTheDatabasesGetsThemFromTheServices()
    {
        Assert.SkipUnless(TestDatabase.Provider == DataProviders.Postgres,
            $"This needs an installed PostgreSQL; it runs in the PostgreSQL run ({TestDatabase.Variable}={DataProviders.Postgres}).");
        await using var server = await StandalonePostgres.StartAsync();
        Assert.Equal(["postgres"], await server.DatabasesAsync());

        await using var shop = await ShopTopology.StartAsync(settings:
            ["Data:PostgresHost=external", $"ConnectionStrings:{ShopResources.Postgres}={server.ConnectionString}"]);

        // Each service made its database, migrated it, and serves from it.
        Assert.Equal([ShopResources.OrdersDatabase, "postgres", ShopResources.ProductsDatabase, ShopResources.UsersDatabase], await server.DatabasesAsync());
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 5);
        var order = await (await shop.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        Assert.Equal("Confirmed", order.Status);
        Assert.Equal(3, await shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task OnPostgresAWrongPasswordStopsEachServiceNamingItsDatabaseButNotThePassword()
    {
        Assert.SkipUnless(TestDatabase.Provider == DataProviders.Postgres,
            $"This needs an installed PostgreSQL; it runs in the PostgreSQL run ({TestDatabase.Variable}={DataProviders.Postgres}).");
        await using var server = await StandalonePostgres.StartAsync();
        var wrongPassword = $"wrong-{Guid.NewGuid():N}";
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString) { Password = wrongPassword }.ConnectionString;
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-external-").FullName;
        var app = await TopologyLauncher.StartAsync(DataProviders.Postgres,
        [
            "Data:PostgresHost=external",
            $"ConnectionStrings:{ShopResources.Postgres}={connectionString}",
            $"Cache:Host={ShopTopology.LocalCacheHost}",
            .. AppHostSettings.Topology(dataDirectory, Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"))
        ], TimeSpan.FromMinutes(3), healthy: [ShopResources.Cache]);
        using var logs = new ServiceLogs(app);
        try
        {
            await Eventually.HoldsAsync(() => Task.FromResult(ShopResources.Databases.All(database =>
                    logs.Text.Contains($"The database {database} refuses this service: password authentication failed", StringComparison.Ordinal))),
                "The services did not say which database refused them, and why.", within: TimeSpan.FromMinutes(2));
            foreach (var service in new[] { ShopServices.Users, ShopServices.Products, ShopServices.Orders })
            {
                await app.ResourceNotifications.WaitForResourceAsync(service, KnownResourceStates.TerminalStates, TestContext.Current.CancellationToken)
                    .WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            }

            Assert.DoesNotContain(wrongPassword, logs.Text, StringComparison.Ordinal);
        }
        finally
        {
            await TopologyLauncher.StopAsync(app, DataProviders.Postgres);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
