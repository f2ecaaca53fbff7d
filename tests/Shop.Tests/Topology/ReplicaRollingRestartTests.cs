using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The orders service's three replicas restarted one after another through the orchestrator (the AppHost's command
/// "Restart one at a time") while customers place and read orders through the service's one address: a restart drops
/// nothing a client can see, other than what a client repeats with its Idempotency-Key.
/// </summary>
[Collection(ScaledOrdersCollection.Name)]
public sealed class ReplicaRollingRestartTests(ScaledOrdersFixture fixture)
{
    private const int Customers = 6;

    private static readonly TimeSpan PauseBetweenOrders = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a client waits before it repeats a request whose answer did not come, or told it to wait.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task RestartingEachOrdersReplicaInTurnUnderTrafficLosesNoOrderAndAnswersOnly2xx429Or503WithRetryAfter()
    {
        var shop = await fixture.TopologyAsync();
        const int Stock = 100_000;
        var product = await shop.CreateProductAsAdminAsync(stock: Stock);
        var customers = await Task.WhenAll(Enumerable.Range(0, Customers).Select(_ => shop.CreateCustomerAsync()));
        var before = await shop.ReplicasAsync(ShopServices.Orders);
        var stopsBefore = GracefulStops(shop);
        var traffic = new Traffic();

        using var stop = new CancellationTokenSource();
        var shoppers = customers.Select(customer => ShopAsync(shop.As(Caller.Customer(customer.Id)).Orders, product.Id, traffic, stop.Token)).ToList();
        // Traffic flows through every replica before the first one is restarted.
        await Eventually.HoldsAsync(() => Task.FromResult(traffic.Placed.Count >= 3 * Customers), "the customers place orders");
        var restarting = Stopwatch.StartNew();
        var restart = await shop.RestartOneAtATimeAsync(ShopServices.Orders);
        var restartTook = restarting.Elapsed;
        var placedByTheEnd = traffic.Placed.Count;
        await Eventually.HoldsAsync(() => Task.FromResult(traffic.Placed.Count >= placedByTheEnd + Customers), "the customers place orders after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(shoppers);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"The restart of {ScaledOrdersFixture.OrdersReplicas} replicas took {restartTook.TotalSeconds:0.0} s; from before it to after it, " +
            $"{traffic.Placed.Count} orders were placed and {traffic.Reads} read back; {traffic.Retries.Count} requests needed a retry: " +
            string.Join("; ", traffic.Retries.GroupBy(r => r).Select(g => $"{g.Count()} x {g.Key}")));
        Assert.True(restart.Success, restart.Message);
        var after = await shop.ReplicasAsync(ShopServices.Orders);
        Assert.Equal(ScaledOrdersFixture.OrdersReplicas, after.Count);
        Assert.Empty(after.Select(r => r.ProcessId).Intersect(before.Select(r => r.ProcessId)));
        Assert.True(traffic.Unexpected.IsEmpty, $"Answers a client should never get: {string.Join("; ", traffic.Unexpected)}");
        // Each was stopped as an orchestrator stops a process, with a signal it drains on, not killed: the host says so.
        await Eventually.HoldsAsync(() => Task.FromResult(GracefulStops(shop) - stopsBefore == ScaledOrdersFixture.OrdersReplicas),
            $"Not every replica was stopped gracefully: {GracefulStops(shop) - stopsBefore} of {ScaledOrdersFixture.OrdersReplicas} said so.");

        // Every order acknowledged is stored, confirmed, and took its stock, and no order took stock unacknowledged.
        var stored = new List<OrderSummaryDto>();
        foreach (var customer in customers)
        {
            stored.AddRange((await shop.OrdersOfAllPagesAsync(customer.Id)).Where(o => o.Status == "Confirmed"));
        }

        Assert.Equal(traffic.Placed.Order(), stored.Select(o => o.Id).Order());
        Assert.Equal(Stock - stored.Count, await shop.StockAsync(product.Id));
    }

    /// <summary>How many times a service's host has logged that it stops on a signal, finishing what it serves.</summary>
    private static int GracefulStops(ShopTopology shop) => Regex.Count(shop.ServiceLogText, "Application is shutting down");

    /// <summary>A customer who places an order, reads it back, and starts again, until <paramref name="stop"/>.</summary>
    private static async Task ShopAsync(HttpClient orders, int productId, Traffic traffic, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            // A request is repeated until it has an answer, whatever stop says: an order half asked for is finished.
            var key = Guid.NewGuid().ToString("N");
            var placed = await UntilAnsweredAsync(() => orders.PlaceOrderAsync(key, (productId, 1)), "POST /orders", traffic);
            if (placed.StatusCode != HttpStatusCode.Created)
            {
                traffic.Unexpected.Add($"POST /orders answered {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync(CancellationToken.None)}");
                return;
            }

            var order = await placed.ReadAsync<OrderDto>(HttpStatusCode.Created);
            traffic.Placed.Add(order.Id);
            var read = await UntilAnsweredAsync(() => orders.GetAsync($"/orders/{order.Id}", CancellationToken.None), "GET /orders/{id}", traffic);
            if (read.StatusCode != HttpStatusCode.OK || (await read.ReadAsync<OrderDto>(HttpStatusCode.OK)).Status != "Confirmed")
            {
                traffic.Unexpected.Add($"GET /orders/{order.Id} answered {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync(CancellationToken.None)}");
                return;
            }

            traffic.Read();
            // A customer, not a load generator: a few orders a second each.
            await Task.Delay(PauseBetweenOrders, CancellationToken.None);
        }
    }

    /// <summary>
    /// Sends a request until it is answered with anything but 429 or 503 with Retry-After (which ask the client to come
    /// back), repeating it after a connection that failed. Any other 5xx is an answer no client should get.
    /// </summary>
    private static async Task<HttpResponseMessage> UntilAnsweredAsync(Func<Task<HttpResponseMessage>> send, string name, Traffic traffic)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt == 50)
            {
                throw new TimeoutException($"{name} was not answered in 50 attempts.");
            }

            HttpResponseMessage response;
            try
            {
                response = await send();
            }
            catch (HttpRequestException exception)
            {
                traffic.Retries.Add($"{name}: {exception.HttpRequestError}");
                await Task.Delay(RetryDelay);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests
                || (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null))
            {
                traffic.Retries.Add($"{name}: {(int)response.StatusCode}");
                await Task.Delay(RetryDelay);
                continue;
            }

            if ((int)response.StatusCode >= 500)
            {
                traffic.Unexpected.Add($"{name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
            }

            return response;
        }
    }

    private sealed class Traffic
    {
        public ConcurrentBag<int> Placed { get; } = [];

        public ConcurrentBag<string> Retries { get; } = [];

        public ConcurrentBag<string> Unexpected { get; } = [];

        private int _reads;

        public int Reads => _reads;

        public void Read() => Interlocked.Increment(ref _reads);
    }
}
