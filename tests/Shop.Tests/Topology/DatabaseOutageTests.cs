using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The PostgreSQL server goes away while the shop runs, and comes back: every service answers 503 naming its database
/// meanwhile, and carries on by itself afterwards with nothing it acknowledged lost.
/// </summary>
[Collection(OtherOutagesCollection.Name)]
public sealed class DatabaseOutageTests(IsolatedTopologyFixture fixture) : IsolatedTopologyTests(fixture)
{
    [Fact]
    public async Task OnPostgresWithTheServerStoppedEachServiceAnswers503NamingItsDatabaseAndRecoversWhenItIsBack()
    {
        Assert.SkipUnless(Shop.Provider == DataProviders.Postgres,
            $"A SQLite file has no server to stop; this runs in the PostgreSQL run ({TestDatabase.Variable}={DataProviders.Postgres}).");
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var order = await Shop.PlacedOrderAsync(user.Id, (product.Id, 3));

        await Shop.StopDatabaseServerAsync();
        List<(string Database, HttpResponseMessage Response)> answers;
        try
        {
            answers =
            [
                // A user by id may come from the cache; the list of users always comes from the database.
                (ShopResources.UsersDatabase, await Shop.As(Caller.Admin()).Users.GetAsync("/users", Cancellation)),
                (ShopResources.ProductsDatabase, await Shop.As(Caller.Admin()).Products.GetAsync($"/products/{product.Id}", Cancellation)),
                (ShopResources.OrdersDatabase, await Shop.As(Caller.Customer(user.Id)).Orders.GetAsync($"/orders/{order.Id}", Cancellation))
            ];
        }
        finally
        {
            await Shop.StartResourceAsync(ShopResources.Postgres);
        }

        foreach (var (database, response) in answers)
        {
            var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(database, problem.GetProperty("dependency").GetString());
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
        }

        var second = await EventuallyPlacedAsync(user.Id, (product.Id, 1));
        var reread = await Shop.As(Caller.Customer(user.Id)).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");
        Assert.Equal("Confirmed", reread.Status);
        Assert.Equal(order.Lines, reread.Lines);
        // An attempt refused while the services reconnected holds nothing once its hold has run out.
        await Eventually.HoldsAsync(async () => await Shop.StockAsync(product.Id) == 10 - 3 - 1,
            "Stock is held that no confirmed order took.");
        Assert.Equal([order.Id, second.Id], (await Shop.OrdersOfAsync(user.Id)).Items.Where(o => o.Status == "Confirmed").Select(o => o.Id).Order());
    }

    private async Task<OrderDto> EventuallyPlacedAsync(int userId, params (int ProductId, int Quantity)[] lines)
    {
        OrderDto? placed = null;
        await Eventually.HoldsAsync(async () =>
        {
            var response = await Shop.PlaceOrderAsync(userId, lines);
            placed = response.StatusCode == HttpStatusCode.Created ? await response.ReadAsync<OrderDto>(HttpStatusCode.Created) : null;
            return placed is not null;
        }, "Orders could not be placed again after the database server came back.");
        return placed!;
    }
}
