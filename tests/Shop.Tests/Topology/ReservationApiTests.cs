using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>The products service's reservation API, as the orders service uses it.</summary>
public sealed class ReservationApiTests(ShopFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // Order ids far above any the orders service hands out in a test run.
    private static int UnusedOrderId() => Random.Shared.Next(500_000_000, int.MaxValue);

    private Task<HttpResponseMessage> ReserveAsync(int orderId, params (int ProductId, int Quantity)[] lines) =>
        Shop.Service.Products.PostAsJsonAsync("/reservations",
            new { orderId, lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) }, Cancellation);

    [Fact]
    public async Task RepeatingAReserveForTheSameOrderHoldsNothingMore()
    {
        var product = await Shop.CreateProductAsync(stock: 10);
        var orderId = UnusedOrderId();

        await (await ReserveAsync(orderId, (product.Id, 3))).ReadAsync<ReservationDto>(HttpStatusCode.Created);
        var repeat = await (await ReserveAsync(orderId, (product.Id, 3))).ReadAsync<ReservationDto>(HttpStatusCode.OK);

        Assert.Equal("Held", repeat.Status);
        Assert.Equal(7, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task ReleasingTwiceIsNotAnError()
    {
        var product = await Shop.CreateProductAsync(stock: 10);
        var orderId = UnusedOrderId();
        await (await ReserveAsync(orderId, (product.Id, 4))).ReadAsync<ReservationDto>(HttpStatusCode.Created);

        var first = await Shop.Service.Products.PostAsync($"/reservations/{orderId}/release", null, Cancellation);
        var second = await Shop.Service.Products.PostAsync($"/reservations/{orderId}/release", null, Cancellation);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, second.StatusCode));
        Assert.Equal(10, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task AReserveArrivingAfterTheReleaseOfItsOrderHoldsNothing()
    {
        var product = await Shop.CreateProductAsync(stock: 10);
        var orderId = UnusedOrderId();

        Assert.Equal(HttpStatusCode.NoContent, (await Shop.Service.Products.PostAsync($"/reservations/{orderId}/release", null, Cancellation)).StatusCode);
        var late = await ReserveAsync(orderId, (product.Id, 2));

        await late.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(10, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task AReserveIsAllOrNothing()
    {
        var plenty = await Shop.CreateProductAsync(stock: 10);
        var scarce = await Shop.CreateProductAsync(stock: 2);

        var response = await ReserveAsync(UnusedOrderId(), (plenty.Id, 5), (scarce.Id, 3));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal([scarce.Id], problem.GetProperty("productIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal((10, 2), (await Shop.StockAsync(plenty.Id), await Shop.StockAsync(scarce.Id)));
    }

    [Fact]
    public async Task ConcurrentReservesNeverTakeStockBelowZero()
    {
        var product = await Shop.CreateProductAsync(stock: 7);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => ReserveAsync(UnusedOrderId(), (product.Id, 2))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(27, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await Shop.StockAsync(product.Id));
    }
}
