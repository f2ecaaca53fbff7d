using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>The products service's reservation API, as the orders service uses it.</summary>
public sealed class ReservationApiTests(InProcessServicesFixture services) : IDisposable
{
    private readonly HttpClient _service = services.Products.As(Caller.Service(ShopScopes.Reservations));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // Order ids far above any the orders service hands out in a test run.
    private static int UnusedOrderId() => Random.Shared.Next(500_000_000, int.MaxValue);

    public void Dispose() => _service.Dispose();

    private Task<HttpResponseMessage> ReserveAsync(int orderId, params (int ProductId, int Quantity)[] lines) =>
        _service.ReserveAsync(orderId, lines);

    private async Task<List<OutcomeDto>> ReserveManyAsync(params (int OrderId, (int ProductId, int Quantity)[] Lines)[] orders) =>
        await (await _service.PostAsJsonAsync("/reservations/batch", new
        {
            reservations = orders.Select(o => new { orderId = o.OrderId, lines = o.Lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) })
        }, Cancellation)).ReadAsync<List<OutcomeDto>>(HttpStatusCode.OK);

    private async Task<List<OutcomeDto>> ConfirmManyAsync(params int[] orderIds) =>
        await (await _service.PostAsJsonAsync("/reservations/batch/confirm", new { orderIds }, Cancellation)).ReadAsync<List<OutcomeDto>>(HttpStatusCode.OK);

    private async Task<int> StockAsync(int productId)
    {
        using var admin = services.Products.As(Caller.Admin());
        return (await admin.GetAsync<ProductDto>($"/products/{productId}")).Stock;
    }

    [Fact]
    public async Task RepeatingAReserveForTheSameOrderHoldsNothingMore()
    {
        var product = await services.Products.CreateProductAsync(stock: 10);
        var orderId = UnusedOrderId();

        await (await ReserveAsync(orderId, (product.Id, 3))).ReadAsync<ReservationDto>(HttpStatusCode.Created);
        var repeat = await (await ReserveAsync(orderId, (product.Id, 3))).ReadAsync<ReservationDto>(HttpStatusCode.OK);

        Assert.Equal("Held", repeat.Status);
        Assert.Equal(7, await StockAsync(product.Id));
    }

    [Fact]
    public async Task ReleasingTwiceIsNotAnError()
    {
        var product = await services.Products.CreateProductAsync(stock: 10);
        var orderId = UnusedOrderId();
        await (await ReserveAsync(orderId, (product.Id, 4))).ReadAsync<ReservationDto>(HttpStatusCode.Created);

        var first = await _service.PostAsync($"/reservations/{orderId}/release", null, Cancellation);
        var second = await _service.PostAsync($"/reservations/{orderId}/release", null, Cancellation);

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, second.StatusCode));
        Assert.Equal(10, await StockAsync(product.Id));
    }

    [Fact]
    public async Task AReserveArrivingAfterTheReleaseOfItsOrderHoldsNothing()
    {
        var product = await services.Products.CreateProductAsync(stock: 10);
        var orderId = UnusedOrderId();

        Assert.Equal(HttpStatusCode.NoContent, (await _service.PostAsync($"/reservations/{orderId}/release", null, Cancellation)).StatusCode);
        var late = await ReserveAsync(orderId, (product.Id, 2));

        await late.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(10, await StockAsync(product.Id));
    }

    [Fact]
    public async Task AReserveIsAllOrNothing()
    {
        var plenty = await services.Products.CreateProductAsync(stock: 10);
        var scarce = await services.Products.CreateProductAsync(stock: 2);

        var response = await ReserveAsync(UnusedOrderId(), (plenty.Id, 5), (scarce.Id, 3));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal([scarce.Id], problem.GetProperty("productIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal((10, 2), (await StockAsync(plenty.Id), await StockAsync(scarce.Id)));
    }

    [Fact]
    public async Task ConcurrentReservesNeverTakeStockBelowZero()
    {
        var product = await services.Products.CreateProductAsync(stock: 7);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => ReserveAsync(UnusedOrderId(), (product.Id, 2))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(27, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await StockAsync(product.Id));
    }

    [Fact]
    public async Task ABatchHoldsEachOrderAllOrNothingOnItsOwn()
    {
        var plenty = await services.Products.CreateProductAsync(stock: 10);
        var scarce = await services.Products.CreateProductAsync(stock: 2);
        var (first, shortOne, last) = (UnusedOrderId(), UnusedOrderId(), UnusedOrderId());

        var outcomes = await ReserveManyAsync((first, [(plenty.Id, 5)]), (shortOne, [(plenty.Id, 2), (scarce.Id, 3)]), (last, [(plenty.Id, 3), (scarce.Id, 2)]));

        Assert.Equal([(first, "Held", ""), (shortOne, null, $"{scarce.Id}"), (last, "Held", "")],
            outcomes.Select(o => (o.OrderId, o.Status, string.Join(",", o.ShortOfStock ?? []))));
        Assert.Equal((2, 0), (await StockAsync(plenty.Id), await StockAsync(scarce.Id)));
        Assert.Equal(HttpStatusCode.NotFound, (await _service.GetAsync($"/reservations/{shortOne}", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task ABatchAnswersForOrdersAlreadyHeldOrReleasedWithoutHoldingMore()
    {
        var product = await services.Products.CreateProductAsync(stock: 10);
        var (held, released, fresh) = (UnusedOrderId(), UnusedOrderId(), UnusedOrderId());
        await (await ReserveAsync(held, (product.Id, 3))).ReadAsync<ReservationDto>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await _service.PostAsync($"/reservations/{released}/release", null, Cancellation)).StatusCode);

        var outcomes = await ReserveManyAsync((held, [(product.Id, 3)]), (released, [(product.Id, 2)]), (fresh, [(product.Id, 1)]));

        Assert.Equal([(held, "Held"), (released, "Released"), (fresh, "Held")], outcomes.Select(o => (o.OrderId, o.Status)));
        Assert.Equal(6, await StockAsync(product.Id));
    }

    [Fact]
    public async Task ABatchConfirmKeepsHeldStockAndAnswersForReleasedAndUnknownOrders()
    {
        var product = await services.Products.CreateProductAsync(stock: 10);
        var (held, released, unknown) = (UnusedOrderId(), UnusedOrderId(), UnusedOrderId());
        await (await ReserveAsync(held, (product.Id, 4))).ReadAsync<ReservationDto>(HttpStatusCode.Created);
        await (await ReserveAsync(released, (product.Id, 2))).ReadAsync<ReservationDto>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await _service.PostAsync($"/reservations/{released}/release", null, Cancellation)).StatusCode);

        var outcomes = await ConfirmManyAsync(held, released, unknown);

        Assert.Equal([(held, "Confirmed"), (released, "Released"), (unknown, (string?)null)], outcomes.Select(o => (o.OrderId, o.Status)));
        Assert.Equal("Confirmed", (await _service.GetAsync<ReservationDto>($"/reservations/{held}")).Status);
        Assert.Equal(6, await StockAsync(product.Id));
    }

    private sealed record OutcomeDto(int OrderId, string? Status, IReadOnlyList<int>? ShortOfStock);
}
