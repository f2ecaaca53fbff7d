using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The orders service keeps orders it has read in memory, and shows them again without its database; a cancel is
/// still seen by the next read. The tests prove an order is kept by changing its row behind the service's back: a
/// kept order still shows what it was read with.
/// </summary>
public sealed class OrderCacheTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Fact]
    public async Task AnOrderReadOnceIsShownAgainFromMemoryAndCancellingItIsSeenAtOnce()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var customer = Shop.As(Caller.Customer(user.Id)).Orders;
        var placed = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await customer.GetAsync<OrderDto>($"/orders/{placed.Id}");

        await ChangeRowBehindTheServiceAsync(placed.Id);
        var again = await customer.GetAsync<OrderDto>($"/orders/{placed.Id}");
        Assert.Equal(("Confirmed", product.Currency, user.Id), (again.Status, again.Currency, again.User?.Id));

        var cancelled = await (await customer.PostAsync($"/orders/{placed.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);
        Assert.Equal("Cancelled", cancelled.Status);
        var read = await customer.GetAsync<OrderDto>($"/orders/{placed.Id}");
        Assert.Equal(("Cancelled", DatabaseBackdoor.ChangedCurrency), (read.Status, read.Currency));
        await Shop.StockSettlesAtAsync(product.Id, 10);
    }

    [Fact]
    public async Task AKeptOrderIsShownOnlyToItsCustomerAndAdmins()
    {
        var owner = await Shop.CreateCustomerAsync();
        var other = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var placed = await (await Shop.PlaceOrderAsync(owner.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await Shop.As(Caller.Customer(owner.Id)).Orders.GetAsync<OrderDto>($"/orders/{placed.Id}");
        await ChangeRowBehindTheServiceAsync(placed.Id);

        var response = await Shop.As(Caller.Customer(other.Id)).Orders.GetAsync($"/orders/{placed.Id}", Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
        // Kept all along: the admin is shown the order as it was read.
        Assert.Equal(product.Currency, (await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{placed.Id}")).Currency);
    }

    [Fact]
    public async Task ReadsRacingACancelShowItCancelledOnceTheCancelIsAnswered()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var customer = Shop.As(Caller.Customer(user.Id)).Orders;
        var placed = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await customer.GetAsync<OrderDto>($"/orders/{placed.Id}");

        var clock = Stopwatch.StartNew();
        var reads = new ConcurrentQueue<(long StartedAt, string Status)>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var startedAt = clock.ElapsedTicks;
                reads.Enqueue((startedAt, (await customer.GetAsync<OrderDto>($"/orders/{placed.Id}")).Status));
            }
        })).ToList();

        await Eventually.HoldsAsync(() => Task.FromResult(reads.Count >= 8), "No read was answered before the cancel.");
        var cancel = await customer.PostAsync($"/orders/{placed.Id}/cancel", null, Cancellation);
        var answeredAt = clock.ElapsedTicks;
        Assert.Equal("Cancelled", (await cancel.ReadAsync<OrderDto>(HttpStatusCode.OK)).Status);
        await Eventually.HoldsAsync(() => Task.FromResult(reads.Count(read => read.StartedAt > answeredAt) >= 8),
            "No read was answered after the cancel.");
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.All(reads.Where(read => read.StartedAt > answeredAt), read => Assert.Equal("Cancelled", read.Status));
        Assert.Contains(reads, read => read.Status == "Confirmed");
    }

    private async Task ChangeRowBehindTheServiceAsync(int orderId) =>
        await (await Shop.DatabaseAsync(ShopResources.OrdersDatabase)).ChangeOrderCurrencyAsync(orderId);
}
