using System.Net;
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
        Assert.Equal(["ordersdb", "postgres", "productsdb", "usersdb"], await server.DatabasesAsync());
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 5);
        var order = await (await shop.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        Assert.Equal("Confirmed", order.Status);
        Assert.Equal(3, await shop.StockAsync(product.Id));
    }
}
