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

        // Each service, and the web app, made its database, migrated it, and serves from it.
        Assert.Equal([ShopResources.OrdersDatabase, "postgres", ShopResources.ProductsDatabase, ShopResources.UsersDatabase, ShopResources.WebDatabase],
            await server.DatabasesAsync());
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 5);
        var order = await (await shop.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        Assert.Equal("Confirmed", order.Status);
        Assert.Equal(3, await shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task OnPostgresAnExternalServerWithARolePerDatabaseIsReachedAsEachRole()
    {
        Assert.SkipUnless(TestDatabase.Provider == DataProviders.Postgres,
            $"This needs an installed PostgreSQL; it runs in the PostgreSQL run ({TestDatabase.Variable}={DataProviders.Postgres}).");
        await using var server = await StandalonePostgres.StartAsync();
        // The roles as docs/operations.md has an operator make them, and each database's own connection string.
        var settings = new List<string> { "Data:PostgresHost=external", $"ConnectionStrings:{ShopResources.Postgres}={server.ConnectionString}" };
        foreach (var database in ShopResources.Databases)
        {
            var password = Guid.NewGuid().ToString("N");
            await server.ExecuteAsync(
                $"CREATE ROLE {database} LOGIN PASSWORD '{password}'",
                $"CREATE DATABASE {database} OWNER {database}",
                $"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
                $"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {database}");
            settings.Add($"ConnectionStrings:{database}=" + new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString)
            {
                Username = database, Password = password, Database = database
            }.ConnectionString);
        }

        await using var shop = await ShopTopology.StartAsync(settings: [.. settings]);

        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 5);
        var order = await (await shop.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        Assert.Equal("Confirmed", order.Status);
        // Each service migrated its database as its own role.
        foreach (var (database, table) in new[] { (ShopResources.UsersDatabase, "Users"), (ShopResources.ProductsDatabase, "Products"), (ShopResources.OrdersDatabase, "Orders") })
        {
            Assert.Equal(database, await server.ScalarAsync(database, $"SELECT tableowner FROM pg_tables WHERE tablename = '{table}'"));
        }
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
            $"Events:Host={ShopTopology.DefaultEventsHost}",
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
