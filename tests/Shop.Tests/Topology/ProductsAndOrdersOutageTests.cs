using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>The products service goes away and comes back; the orders service crashes. Nothing acknowledged is lost, nothing stays held.</summary>
[Collection(OtherOutagesCollection.Name)]
public sealed class ProductsAndOrdersOutageTests(IsolatedTopologyFixture fixture) : IsolatedTopologyTests(fixture)
{
    [Fact]
    public async Task WithProductsDownAnOrderGets503AndNothingIsStoredOrHeld()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);

        await Shop.StopResourceAsync(ShopServices.Products);
        HttpResponseMessage response;
        try
        {
            response = await Shop.PlaceOrderAsync(user.Id, (product.Id, 3));
        }
        finally
        {
            await Shop.StartResourceAsync(ShopServices.Products);
        }

        await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
        Assert.Equal(10, await Shop.StockAsync(product.Id));

        // Once products is back (and the caller's circuit breaker lets calls through again), orders are placed again.
        await Eventually.HoldsAsync(async () => (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).StatusCode == HttpStatusCode.Created,
            "Orders could not be placed again after the products service came back.");
    }


    [Fact]
    public async Task AnAcknowledgedOrderSurvivesTheOrdersServiceBeingKilled()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var order = await Shop.PlacedOrderAsync(user.Id, (product.Id, 3));

        await Shop.KillResourceAsync(ShopServices.Orders);
        await Shop.StartResourceAsync(ShopServices.Orders);

        var reread = await Shop.As(Caller.Customer(user.Id)).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");
        Assert.Equal(("Confirmed", order.Total), (reread.Status, reread.Total));
        Assert.Equal(order.Lines, reread.Lines);
        Assert.Equal(7, await Shop.StockAsync(product.Id));
    }

}
