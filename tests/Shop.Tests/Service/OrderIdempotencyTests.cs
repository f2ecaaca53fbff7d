using System.Net;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>An Idempotency-Key makes placing an order safe to repeat: one key, one order, one answer.</summary>
public sealed class OrderIdempotencyTests(InProcessServicesFixture services)
{
    private OrdersServiceHost Orders => services.Orders;

    [Fact]
    public async Task TwentyConcurrentRepeatsOfOneKeyPlaceOneOrderAndAllGetItsId()
    {
        var (_, product, client) = Setup(stock: 100);
        using (client)
        {
            var key = Guid.NewGuid().ToString();

            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.PlaceOrderAsync(key, (product, 2))));

            var orders = await Task.WhenAll(responses.Select(r => r.ReadAsync<OrderDto>(HttpStatusCode.Created)));
            Assert.Single(orders.Select(o => o.Id).Distinct());
            Assert.Equal(orders[0].Id, Assert.Single((await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).Items).Id);
            Assert.Equal(98, Orders.Peers.StockOf(product));
        }
    }

    [Fact]
    public async Task ARepeatAfterTheFirstAnswerGetsTheSameAnswer()
    {
        var (_, product, client) = Setup(stock: 10);
        using (client)
        {
            var key = Guid.NewGuid().ToString();

            var first = await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            var repeat = await client.PlaceOrderAsync(key, (product, 1));

            Assert.Equal(first.Id, (await repeat.ReadAsync<OrderDto>(HttpStatusCode.Created)).Id);
            Assert.Equal($"/orders/{first.Id}", repeat.Headers.Location?.OriginalString);
            Assert.Equal(9, Orders.Peers.StockOf(product));
        }
    }

    [Fact]
    public async Task ARefusalIsRepeatedForItsKeyToo()
    {
        var (_, product, client) = Setup(stock: 1);
        using (client)
        {
            var key = Guid.NewGuid().ToString();

            await (await client.PlaceOrderAsync(key, (product, 2))).ReadProblemAsync(HttpStatusCode.Conflict);
            await (await client.PlaceOrderAsync(key, (product, 2))).ReadProblemAsync(HttpStatusCode.Conflict);

            Assert.Equal(1, Orders.Peers.StockOf(product));
        }
    }

    [Fact]
    public async Task TheSameKeyWithADifferentBodyGets422Problem()
    {
        var (_, product, client) = Setup(stock: 10);
        using (client)
        {
            var key = Guid.NewGuid().ToString();
            await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

            var response = await client.PlaceOrderAsync(key, (product, 5));

            await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Single((await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).Items);
            Assert.Equal(9, Orders.Peers.StockOf(product));
        }
    }

    [Fact]
    public async Task OneCustomersKeyNeverAnswersAnotherCustomersRequest()
    {
        var (_, product, client) = Setup(stock: 10);
        using var otherClient = Orders.As(Caller.Customer(Orders.Peers.NewUser()));
        using (client)
        {
            var key = Guid.NewGuid().ToString();

            var mine = await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            var theirs = await (await otherClient.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

            Assert.NotEqual(mine.Id, theirs.Id);
            Assert.Equal(8, Orders.Peers.StockOf(product));
        }
    }

    [Fact]
    public async Task ARepeatOfARequestThatStoppedAfterPlacingGetsThatOrder()
    {
        var (customer, product, client) = Setup(stock: 10);
        using (client)
        {
            var key = Guid.NewGuid().ToString();
            var first = await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            // As if the service had stopped after placing the order but before keeping its answer, long ago.
            Assert.Equal(1L, await Orders.Database.ExecuteAsync("UPDATE IdempotencyRecords SET Result = NULL, CreatedAt = '2000-01-01 00:00:00' WHERE Key = $key; SELECT changes()",
                ("$key", $"{customer}:{key}")));

            var repeat = await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

            Assert.Equal((first.Id, "Confirmed"), (repeat.Id, repeat.Status));
            Assert.Single((await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).Items);
            Assert.Equal(9, Orders.Peers.StockOf(product));
        }
    }

    [Fact]
    public async Task ARepeatOfARequestThatStoppedBeforeStoringAnOrderPlacesIt()
    {
        var (customer, product, client) = Setup(stock: 10);
        using (client)
        {
            var earlierKey = Guid.NewGuid().ToString();
            var key = Guid.NewGuid().ToString();
            var earlier = await (await client.PlaceOrderAsync(earlierKey, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            // As if a request with the same body had claimed the key long ago, and the service had stopped before storing its order.
            Assert.Equal(1L, await Orders.Database.ExecuteAsync("""
                INSERT INTO IdempotencyRecords (Key, RequestHash, CreatedAt)
                    SELECT $key, RequestHash, '2000-01-01 00:00:00' FROM IdempotencyRecords WHERE Key = $earlierKey;
                SELECT changes();
                """, ("$key", $"{customer}:{key}"), ("$earlierKey", $"{customer}:{earlierKey}")));

            var placed = await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            var repeat = await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

            Assert.NotEqual(earlier.Id, placed.Id);
            Assert.Equal(placed.Id, repeat.Id);
            Assert.Equal(2, (await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).TotalCount);
            Assert.Equal(8, Orders.Peers.StockOf(product));
        }
    }

    /// <summary>
    /// A placement so slow that recovery takes its order over answers 503; the order is confirmed by recovery, so the
    /// client's repeat of the key must answer with that order, not place a second one. On an orders service of its
    /// own, whose recovery looks every 200 ms for orders Pending longer than a second.
    /// </summary>
    [Fact]
    public async Task ARepeatOfAPlacementThatRecoveryTookOverGetsThatOrderAndPlacesNoOther()
    {
        await using var orders = new OrdersServiceHost(false, ("Ordering:PendingTimeout", "00:00:01"), ("Ordering:RecoveryInterval", "00:00:00.200"));
        var customer = orders.Peers.NewUser();
        var product = orders.Peers.NewProduct(stock: 10);
        using var client = orders.As(Caller.Customer(customer));
        var key = Guid.NewGuid().ToString();
        orders.Peers.ConfirmDelay = TimeSpan.FromSeconds(3);

        await (await client.PlaceOrderAsync(key, (product, 1))).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        orders.Peers.ConfirmDelay = TimeSpan.Zero;
        var repeat = await (await client.PlaceOrderAsync(key, (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var stored = Assert.Single((await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).Items);
        Assert.Equal((stored.Id, "Confirmed"), (repeat.Id, repeat.Status));
        Assert.Equal(9, orders.Peers.StockOf(product));
    }

    /// <summary>A customer of their own, a product of its own, and the customer's client.</summary>
    private (int Customer, int Product, HttpClient Client) Setup(int stock)
    {
        var customer = Orders.Peers.NewUser();
        return (customer, Orders.Peers.NewProduct(stock: stock), Orders.As(Caller.Customer(customer)));
    }
}
