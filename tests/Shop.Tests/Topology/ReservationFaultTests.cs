using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

[Collection(OwnTopologyCollection.Name)]
public sealed class ReservationFaultTests(FaultTopologyFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnOrphanReservationIsReleasedAfterTheHoldTimeout()
    {
        var product = await Shop.CreateProductAsync(stock: 10);
        var orderId = Random.Shared.Next(500_000_000, int.MaxValue);
        var reserve = await Shop.Service.Products.PostAsJsonAsync("/reservations",
            new { orderId, lines = new[] { new { productId = product.Id, quantity = 6 } } }, Cancellation);
        await reserve.ReadAsync<ReservationDto>(HttpStatusCode.Created);
        Assert.Equal(4, await Shop.StockAsync(product.Id));

        var deadline = DateTime.UtcNow + FaultTopologyFixture.HoldTimeout + TimeSpan.FromSeconds(30);
        while (await Shop.StockAsync(product.Id) != 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, Cancellation);
        }

        Assert.Equal(10, await Shop.StockAsync(product.Id));
        Assert.Equal("Released", (await Shop.Service.Products.GetAsync<ReservationDto>($"/reservations/{orderId}")).Status);
    }

    [Fact]
    public async Task WithProductsDownAnOrderGets503AndNothingIsStoredOrHeld()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);

        await Shop.StopResourceAsync(ResourceNames.Products);
        HttpResponseMessage response;
        try
        {
            response = await Shop.PlaceOrderAsync(user.Id, (product.Id, 3));
        }
        finally
        {
            await Shop.StartResourceAsync(ResourceNames.Products);
        }

        await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
        Assert.Equal(10, await Shop.StockAsync(product.Id));

        // Once products is back (and the caller's circuit breaker lets calls through again), orders are placed again.
        await ShopApi.EventuallyAsync(async () => (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).StatusCode == HttpStatusCode.Created,
            "Orders could not be placed again after the products service came back.");
    }
}
