using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>The products service's own meter (Shop.Products) moves when stock is held, kept and given back.</summary>
public sealed class ReservationMetricsTests : IAsyncLifetime
{
    private readonly ProductsServiceHost _products = new(("Reservations:HoldTimeout", "00:00:01"), ("Reservations:SweepInterval", "00:00:00.200"));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _products.DisposeAsync();

    [Fact]
    public async Task HoldingConfirmingAndReleasingAreCountedOnceEach()
    {
        var product = await CreateProductAsync();
        using var held = Collect("shop.reservations.held");
        using var confirmed = Collect("shop.reservations.confirmed");
        using var released = Collect("shop.reservations.released");
        using var service = _products.As(Caller.Service("reservations"));

        await (await ReserveAsync(service, 1, product.Id)).ReadAsync<ReservationDto>(HttpStatusCode.Created);
        await (await ReserveAsync(service, 1, product.Id)).ReadAsync<ReservationDto>(HttpStatusCode.OK);
        await (await service.PostAsync("/reservations/1/confirm", null, Cancellation)).ReadAsync<ReservationDto>(HttpStatusCode.OK);
        await (await service.PostAsync("/reservations/1/confirm", null, Cancellation)).ReadAsync<ReservationDto>(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostAsync("/reservations/1/release", null, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostAsync("/reservations/1/release", null, Cancellation)).StatusCode);

        Assert.Equal((1, 1), (held.GetMeasurementSnapshot().Sum(m => m.Value), confirmed.GetMeasurementSnapshot().Sum(m => m.Value)));
        var release = Assert.Single(released.GetMeasurementSnapshot());
        Assert.Equal((1, "order"), (release.Value, release.Tags["reason"]));
    }

    [Fact]
    public async Task TheSweepCountsTheHoldsItReleased()
    {
        var product = await CreateProductAsync();
        using var released = Collect("shop.reservations.released");
        using var service = _products.As(Caller.Service("reservations"));

        await (await ReserveAsync(service, 2, product.Id)).ReadAsync<ReservationDto>(HttpStatusCode.Created);

        await ShopApi.EventuallyAsync(() => Task.FromResult(released.GetMeasurementSnapshot().Count == 1), "The sweep did not release the hold.");
        Assert.Equal("expired", Assert.Single(released.GetMeasurementSnapshot()).Tags["reason"]);
    }

    private async Task<ProductDto> CreateProductAsync()
    {
        using var admin = _products.As(Caller.Admin());
        var response = await admin.PostAsJsonAsync("/products", new { sku = ShopApi.Unique("SKU"), name = "Kettle", price = 20m, currency = "EUR", stock = 10 }, Cancellation);
        return await response.ReadAsync<ProductDto>(HttpStatusCode.Created);
    }

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient service, int orderId, int productId) =>
        service.PostAsJsonAsync("/reservations", new { orderId, lines = new[] { new { productId, quantity = 2 } } }, Cancellation);

    private MetricCollector<long> Collect(string instrument) =>
        new(_products.Services.GetRequiredService<IMeterFactory>(), "Shop.Products", instrument);
}
