using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Shop.Web.Baskets;
using Shop.Web.Checkout;
using Shop.Web.Clients;
using Shop.Web.Data;

namespace Shop.Tests.Unit;

/// <summary>
/// Pressing "Place order" places the basket's order once, whatever repeats it, counts it on the web app's meter, and
/// keeps the basket when the order is refused. The orders and products services are stand-ins that answer as the real
/// ones do; the baskets are in a real (in-memory SQLite) web database.
/// </summary>
public sealed class CheckoutTests : IAsyncDisposable
{
    private const int Person = 42;
    private const int Mug = 7;

    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly List<HttpRequestMessage> _orderRequests = [];
    private Func<HttpRequestMessage, HttpResponseMessage> _orders = _ => new HttpResponseMessage(HttpStatusCode.InternalServerError);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASubmissionRepeatedAfterTheOrderWasPlacedShowsThatOrderAndPlacesNoOther()
    {
        var key = await BasketWithMugsAsync(2);
        _orders = _ => Json(HttpStatusCode.Created, new { id = 501, userId = Person, status = "Confirmed", createdAt = DateTime.UtcNow, total = 25m, currency = "EUR", lines = Array.Empty<object>() });
        using var started = Collect("shop.checkouts.started");
        using var completed = Collect("shop.checkouts.completed");

        var first = await CheckoutAsync(key);
        var again = await CheckoutAsync(key);

        Assert.Equal(new CheckoutResult.Placed(501), first);
        Assert.Equal(new CheckoutResult.Placed(501), again);
        var request = Assert.Single(_orderRequests);
        Assert.Equal(key, request.Headers.GetValues("Idempotency-Key").Single());
        Assert.Equal(1, started.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, completed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(0, await Baskets().CountAsync(new BasketOwner(Person, null), Cancellation));
    }

    [Fact]
    public async Task AnOrderShortOfStockNamesTheProductAndKeepsTheBasket()
    {
        var key = await BasketWithMugsAsync(9);
        _orders = _ => Json(HttpStatusCode.Conflict, new { title = "Not enough stock.", status = 409, productIds = new[] { Mug } });
        using var failed = Collect("shop.checkouts.failed");

        var result = await CheckoutAsync(key);

        Assert.Equal(["Blue mug"], Assert.IsType<CheckoutResult.ShortOfStock>(result).Products);
        Assert.Equal(9, await Baskets().CountAsync(new BasketOwner(Person, null), Cancellation));
        var failure = Assert.Single(failed.GetMeasurementSnapshot());
        Assert.Equal("out_of_stock", failure.Tags["reason"]);
    }

    [Fact]
    public async Task ABasketChangedSinceTheCheckoutPageWasShownPlacesNothing()
    {
        var key = await BasketWithMugsAsync(1);
        await Baskets().AddAsync(new BasketOwner(Person, null), Mug, 1, Cancellation);

        var result = await CheckoutAsync(key);

        Assert.IsType<CheckoutResult.BasketChanged>(result);
        Assert.Empty(_orderRequests);
        Assert.NotEqual(key, await Baskets().BeginCheckoutAsync(Person, Cancellation));
    }

    [Fact]
    public async Task OrderingBeingAwayIsAnOutageThatKeepsTheBasketAndCountsAsFailed()
    {
        var key = await BasketWithMugsAsync(1);
        _orders = _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(12)) } };
        using var failed = Collect("shop.checkouts.failed");

        var outage = await Assert.ThrowsAsync<ServiceUnavailableException>(() => CheckoutAsync(key));

        Assert.Equal(TimeSpan.FromSeconds(12), outage.RetryAfter);
        Assert.Equal(1, await Baskets().CountAsync(new BasketOwner(Person, null), Cancellation));
        Assert.Equal("unavailable", Assert.Single(failed.GetMeasurementSnapshot()).Tags["reason"]);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _metrics.DisposeAsync();
    }

    private async Task<string> BasketWithMugsAsync(int quantity)
    {
        await _connection.OpenAsync(Cancellation);
        await using (var db = Database())
        {
            await db.Database.EnsureCreatedAsync(Cancellation);
        }

        await Baskets().AddAsync(new BasketOwner(Person, null), Mug, quantity, Cancellation);
        return await Baskets().BeginCheckoutAsync(Person, Cancellation) ?? throw new InvalidOperationException("The basket is empty.");
    }

    private Task<CheckoutResult> CheckoutAsync(string key)
    {
        var catalog = new CatalogClient(new HttpClient(new Answering(request => request.RequestUri!.AbsolutePath == $"/products/{Mug}"
            ? Json(HttpStatusCode.OK, new ProductResponse(Mug, "MUG-1", "Blue mug", 12.5m, "EUR", 3))
            : new HttpResponseMessage(HttpStatusCode.NotFound))) { BaseAddress = new($"http://{ShopServices.Products}") });
        var orders = new OrdersClient(new HttpClient(new Answering(request =>
        {
            _orderRequests.Add(request);
            return _orders(request);
        })) { BaseAddress = new($"http://{ShopServices.Orders}") });
        return new CheckoutProcess(Baskets(), orders, catalog, new CheckoutMetrics(_metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            _clock, NullLogger<CheckoutProcess>.Instance).PlaceAsync(Person, key, Cancellation);
    }

    private BasketStore Baskets() => new(Database(), _clock);

    private WebDbContext Database() => new(new DbContextOptionsBuilder<WebDbContext>().UseSqlite(_connection).Options);

    private MetricCollector<long> Collect(string instrument) =>
        new(_metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), CheckoutMetrics.MeterName, instrument);

    private static HttpResponseMessage Json<T>(HttpStatusCode status, T body) => new(status) { Content = JsonContent.Create(body) };

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
