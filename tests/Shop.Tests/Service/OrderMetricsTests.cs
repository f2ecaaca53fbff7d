using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;
using StackExchange.Redis;

namespace Shop.Tests.Service;

/// <summary>The orders service's own meter (Shop.Orders) moves when orders are placed, refused, cancelled and recovered.</summary>
public sealed class OrderMetricsTests(OrderMetricsTests.Service service) : IClassFixture<OrderMetricsTests.Service>
{
    private const int Customer = 7;

    private readonly OrdersServiceHost _orders = service.Orders;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>An orders service of this class's own, with a cache.</summary>
    public sealed class Service : IAsyncDisposable
    {
        public Service() => Orders.Peers.AddUser(Customer, "Vera");

        // An order is kept for 10 s of the machine's time by default: a second read on a busy machine may come later.
        public OrdersServiceHost Orders { get; } = new(withCache: true, ("Ordering:OrderCacheTimeToLive", "00:10:00"));

        public ValueTask DisposeAsync() => Orders.DisposeAsync();
    }

    [Fact]
    public async Task APlacedOrderCountsAsPlaced()
    {
        _orders.Peers.AddProduct(101, stock: 5);
        using var placed = Collect("shop.orders.placed");

        await (await PlaceAsync((101, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        Assert.Equal(1, Sum(placed));
    }

    public static TheoryData<string, int> Refusals() => new()
    {
        { "out_of_stock", 409 },
        { "unknown_product", 404 },
        { "unknown_user", 404 },
        { "mixed_currencies", 422 }
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ARefusedOrderCountsAsRefusedWithItsReason(string reason, int status)
    {
        _orders.Peers.AddProduct(201, stock: 1);
        _orders.Peers.AddProduct(202, currency: "USD");
        using var refused = Collect("shop.orders.refused");
        using var placed = Collect("shop.orders.placed");

        var response = reason switch
        {
            "out_of_stock" => await PlaceAsync((201, 2)),
            "unknown_product" => await PlaceAsync((299, 1)),
            "unknown_user" => await PlaceAsync(Caller.Customer(404_404), (201, 1)),
            _ => await PlaceAsync((201, 1), (202, 1))
        };

        await response.ReadProblemAsync((HttpStatusCode)status);
        var measurement = Assert.Single(refused.GetMeasurementSnapshot());
        Assert.Equal((1, reason), (measurement.Value, measurement.Tags["reason"]));
        Assert.Equal(0, Sum(placed));
    }

    /// <summary>
    /// The outage trips the products client's circuit, so it runs on an orders service of its own: the class's shared
    /// one must keep reaching the products service whatever order the tests run in.
    /// </summary>
    [Fact]
    public async Task AnOrderRefusedForAnOutageCountsAsRefusedWithDependencyUnavailable()
    {
        await using var orders = new OrdersServiceHost();
        orders.Peers.AddUser(Customer, "Vera");
        orders.Peers.AddProduct(601, stock: 5);
        orders.Peers.ProductsDown = true;
        using var refused = Collect(orders, "shop.orders.refused");

        await (await PlaceAsync(orders, Caller.Customer(Customer), (601, 1))).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);

        var measurement = Assert.Single(refused.GetMeasurementSnapshot());
        Assert.Equal((1, "dependency_unavailable"), (measurement.Value, measurement.Tags["reason"]));
    }

    [Fact]
    public async Task ACancelledOrderCountsAsCancelledOnce()
    {
        _orders.Peers.AddProduct(301, stock: 5);
        var order = await (await PlaceAsync((301, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        using var cancelled = Collect("shop.orders.cancelled");
        using var client = _orders.As(Caller.Customer(Customer));

        await (await client.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);
        await (await client.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);

        Assert.Equal(1, Sum(cancelled));
    }

    /// <summary>
    /// On an orders service of its own, on a clock that only the test moves: its recovery cannot take over a placement
    /// of the class's other tests, nor these orders before the test has written them whole.
    /// </summary>
    [Fact]
    public async Task RecoveryCountsWhatItConfirmedAndWhatItUndid()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var orders = new OrdersServiceHost(false, ("Ordering:PendingTimeout", "00:00:01"), ("Ordering:RecoveryInterval", "00:00:00.200"))
        {
            Clock = clock
        };
        orders.Peers.AddProduct(401, stock: 10);
        using var recovered = Collect(orders, "shop.orders.recovered");
        var held = await orders.Database.InsertStrandedOrderAsync(Customer, 401, 5m, 2, placedAt: clock.GetUtcNow().UtcDateTime);
        orders.Peers.Hold(held, 401, 2);
        await orders.Database.InsertStrandedOrderAsync(Customer, 401, 5m, 3, placedAt: clock.GetUtcNow().UtcDateTime);

        clock.Advance(TimeSpan.FromSeconds(2));

        await Eventually.HoldsAsync(() => Task.FromResult(recovered.GetMeasurementSnapshot().Count == 2), "Recovery did not finish both orders.");

        Assert.Equal(["confirmed", "undone"], recovered.GetMeasurementSnapshot().Select(m => (string)m.Tags["outcome"]!).Order());
        Assert.Equal("Confirmed", orders.Peers.ReservationOf(held));
    }

    [Fact]
    public async Task ReadingAnOrderCountsAUserCacheMissThenAHit()
    {
        _orders.Peers.AddProduct(501, stock: 5);
        var order = await (await PlaceAsync((501, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        using var lookups = Collect("shop.user_cache.lookups");
        using var client = _orders.As(Caller.Customer(Customer));

        await client.GetAsync<OrderDto>($"/orders/{order.Id}");
        // The users service fills the entry on a miss; here the test does, as it would.
        await using var cache = await CacheClient.ConnectAsync(_orders.CacheConnectionString!);
        await cache.GetDatabase().StringSetAsync(UserCacheEntry.Key(Customer), JsonSerializer.Serialize(
            new UserDto(Customer, "Vera", "vera@example.com", 30, DateTimeOffset.UnixEpoch), JsonSerializerOptions.Web));
        var cached = await client.GetAsync<OrderDto>($"/orders/{order.Id}");

        Assert.Equal("Vera", cached.User?.Name);
        Assert.Equal(["miss", "hit"], lookups.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));
    }

    [Fact]
    public async Task ReadingAnOrderTwiceCountsAnOrderCacheMissThenAHitAndACancelAMissAgain()
    {
        _orders.Peers.AddProduct(601, stock: 5);
        var order = await (await PlaceAsync((601, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        using var lookups = Collect("shop.order_cache.lookups");
        using var client = _orders.As(Caller.Customer(Customer));

        await client.GetAsync<OrderDto>($"/orders/{order.Id}");
        await client.GetAsync<OrderDto>($"/orders/{order.Id}");
        await (await client.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);
        await client.GetAsync<OrderDto>($"/orders/{order.Id}");

        Assert.Equal(["miss", "hit", "miss"], lookups.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));
    }

    private MetricCollector<long> Collect(string instrument) => Collect(_orders, instrument);

    private static MetricCollector<long> Collect(OrdersServiceHost orders, string instrument) =>
        new(orders.Services.GetRequiredService<IMeterFactory>(), "Shop.Orders", instrument);

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    private Task<HttpResponseMessage> PlaceAsync(params (int ProductId, int Quantity)[] lines) => PlaceAsync(Caller.Customer(Customer), lines);

    private Task<HttpResponseMessage> PlaceAsync(Caller caller, params (int ProductId, int Quantity)[] lines) => PlaceAsync(_orders, caller, lines);

    private static async Task<HttpResponseMessage> PlaceAsync(OrdersServiceHost orders, Caller caller, params (int ProductId, int Quantity)[] lines)
    {
        using var client = orders.As(caller);
        return await client.PostAsJsonAsync("/orders",
            new { lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) }, Cancellation);
    }
}
