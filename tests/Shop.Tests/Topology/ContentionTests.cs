using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Requests race for the same stock, order, key, email or SKU: each thing happens once, and every other request gets
/// an answer that says why, never a 500. On PostgreSQL these writers truly run at once; on SQLite one at a time.
/// </summary>
public sealed class ContentionTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    private const int Racers = 20;

    [Fact]
    public async Task TwoHundredConcurrentOrdersForFiftyInStockSellExactlyFifty()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 50);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Shop.PlaceOrderAsync(user.Id, (product.Id, 1))));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 50, [HttpStatusCode.Conflict] = 150 }, StatusesOf(responses));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await refused.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        Assert.Equal(0, await Shop.StockAsync(product.Id));
        var orders = await Shop.OrdersOfAsync(user.Id);
        Assert.Equal(50, orders.TotalCount);
        Assert.All(orders.Items, o => Assert.Equal("Confirmed", o.Status));
    }

    [Fact]
    public async Task ConcurrentReservationsOfOneOrderHoldItsStockOnce()
    {
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var orderId = Random.Shared.Next(1_000_000, int.MaxValue);

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Shop.As(Caller.Service()).Products.PostAsJsonAsync("/reservations",
            new { orderId, lines = new[] { new { productId = product.Id, quantity = 3 } } }, Cancellation)));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 1, [HttpStatusCode.OK] = Racers - 1 }, StatusesOf(responses));
        Assert.Equal(7, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task ConcurrentRepeatsOfOneIdempotencyKeyPlaceOneOrder()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 100);
        var key = Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Shop.PlaceOrderAsync(user.Id, key, (product.Id, 2))));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = Racers }, StatusesOf(responses));
        var orders = await Task.WhenAll(responses.Select(r => r.ReadAsync<OrderDto>(HttpStatusCode.Created)));
        Assert.Single(orders.Select(o => o.Id).Distinct());
        Assert.Equal(1, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
        Assert.Equal(98, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task ConcurrentCancellationsOfOneOrderReleaseItsStockOnce()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 4))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var customer = Shop.As(Caller.Customer(user.Id)).Orders;

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => customer.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)));

        var cancelled = await Task.WhenAll(responses.Select(r => r.ReadAsync<OrderDto>(HttpStatusCode.OK)));
        Assert.All(cancelled, o => Assert.Equal("Cancelled", o.Status));
        await Shop.StockSettlesAtAsync(product.Id, 10);
    }

    [Fact]
    public async Task ConcurrentRegistrationsOfOneEmailInAnyCaseCreateOneUser()
    {
        var email = $"{Guid.NewGuid():N}@example.com";

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(i => Shop.As(Caller.Anonymous).Users.PostAsJsonAsync("/users",
            new { name = "Eve", email = i % 2 == 0 ? email : email.ToUpperInvariant(), age = 33, password = "long enough password" }, Cancellation)));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 1, [HttpStatusCode.Conflict] = Racers - 1 }, StatusesOf(responses));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await refused.ReadProblemAsync(HttpStatusCode.Conflict);
        }
    }

    [Fact]
    public async Task ConcurrentProductsWithOneSkuCreateOne()
    {
        var sku = ShopApi.Unique("SKU");

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Shop.As(Caller.Admin()).Products.PostAsJsonAsync("/products",
            new { sku, name = "Lamp", price = 20m, currency = "EUR", stock = 5 }, Cancellation)));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 1, [HttpStatusCode.Conflict] = Racers - 1 }, StatusesOf(responses));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await refused.ReadProblemAsync(HttpStatusCode.Conflict);
        }
    }

    private static Dictionary<HttpStatusCode, int> StatusesOf(IEnumerable<HttpResponseMessage> responses) =>
        responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
}
