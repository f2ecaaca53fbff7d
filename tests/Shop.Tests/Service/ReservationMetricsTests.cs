using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>The products service's own meter (Shop.Products) moves when stock is held, kept and given back.</summary>
public sealed class ReservationMetricsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HoldingConfirmingAndReleasingAreCountedOnceEach()
    {
        await using var products = new ProductsServiceHost();
        var product = await products.CreateProductAsync();
        using var held = Collect(products, "shop.reservations.held");
        using var confirmed = Collect(products, "shop.reservations.confirmed");
        using var released = Collect(products, "shop.reservations.released");
        using var service = products.As(Caller.Service(ShopScopes.Reservations));

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

    /// <summary>On a clock that only the test moves, so that the hold expires when the test says, not when a busy machine gets there.</summary>
    [Fact]
    public async Task TheSweepCountsTheHoldsItReleased()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var products = new ProductsServiceHost(("Reservations:HoldTimeout", "00:00:01"), ("Reservations:SweepInterval", "00:00:00.200"))
        {
            Clock = clock
        };
        var product = await products.CreateProductAsync();
        using var released = Collect(products, "shop.reservations.released");
        using var service = products.As(Caller.Service(ShopScopes.Reservations));

        await (await ReserveAsync(service, 2, product.Id)).ReadAsync<ReservationDto>(HttpStatusCode.Created);
        Assert.Empty(released.GetMeasurementSnapshot());
        clock.Advance(TimeSpan.FromSeconds(2));

        await Eventually.HoldsAsync(() => Task.FromResult(released.GetMeasurementSnapshot().Count == 1), "The sweep did not release the hold.");
        Assert.Equal("expired", Assert.Single(released.GetMeasurementSnapshot()).Tags["reason"]);
    }

    private static Task<HttpResponseMessage> ReserveAsync(HttpClient service, int orderId, int productId) =>
        service.ReserveAsync(orderId, (productId, 2));

    private static MetricCollector<long> Collect(ProductsServiceHost products, string instrument) =>
        new(products.Services.GetRequiredService<IMeterFactory>(), "Shop.Products", instrument);
}
