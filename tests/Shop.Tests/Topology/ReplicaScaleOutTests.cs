using System.Net;
using System.Text.RegularExpressions;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The orders service scaled alone: three replicas of it beside one of every other service
/// (<c>--Services:Replicas=1 --Services:orders:Replicas=3</c>), and the shop behaves as one whichever replica a request
/// reaches: no order oversold, one order per Idempotency-Key, a stranded order recovered once under the work lease, a
/// cancel seen by every replica. The per-person write limit, one count in the cache for every replica, is shown on two
/// replicas (<see cref="ReplicaLimitsFixture"/>); here it is set out of the way of the rolling restart's customers.
/// </summary>
[Collection(ScaledOrdersCollection.Name)]
public sealed class ReplicaScaleOutTests(ScaledOrdersFixture fixture)
{
    [Fact]
    public async Task ThreeOrdersReplicasRunBesideOneOfEveryOtherServiceAndSellExactlyTheStockBetweenThem()
    {
        var shop = await fixture.TopologyAsync();

        Assert.Equal(ScaledOrdersFixture.OrdersReplicas, (await shop.ReplicasAsync(ShopServices.Orders)).Count);
        foreach (var service in new[] { ShopServices.Users, ShopServices.Products, ShopServices.Web })
        {
            Assert.Single(await shop.ReplicasAsync(service));
        }

        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 30);
        using var clients = await shop.ReplicaClientsAsync(ShopServices.Orders, shop.As(Caller.Customer(user.Id)).AccessToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 90).Select(i => clients[i].PlaceOrderAsync(null, (product.Id, 1))));

        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 30, [HttpStatusCode.Conflict] = 60 },
            responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal(0, await shop.StockAsync(product.Id));
        Assert.Equal(30, (await shop.OrdersOfAsync(user.Id)).Items.Count(o => o.Status == "Confirmed"));
    }

    /// <summary>
    /// Each of the three replicas looks for orders left Pending every half second; the work lease lets one of them take
    /// over a stranded order, once.
    /// </summary>
    [Fact]
    public async Task AnOrderLeftPendingIsRecoveredOnceThoughThreeReplicasLookForIt()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        var orders = await shop.DatabaseAsync(ShopResources.OrdersDatabase);
        var held = await orders.InsertStrandedOrderAsync(user.Id, product.Id, product.Price, 3, DatabaseBackdoor.NotDueUntilBackdated);
        await (await shop.As(Caller.Service()).Products.ReserveAsync(held, (product.Id, 3))).ReadAsync<ReservationDto>(HttpStatusCode.Created);

        await orders.BackdateOrderAsync(held, DatabaseBackdoor.LongAgo);

        var recovered = $"Recovered order {held}:";
        await Eventually.HoldsAsync(() => Task.FromResult(shop.ServiceLogText.Contains(recovered, StringComparison.Ordinal)), $"Order {held} was not recovered.");
        await Eventually.HoldsThroughoutAsync(() => Task.FromResult(Regex.Count(shop.ServiceLogText, Regex.Escape(recovered)) == 1),
            $"Order {held} was recovered more than once.", during: 10 * ReplicaTopologyFixture.RecoveryInterval);
        Assert.Equal("Confirmed", (await shop.As(Caller.Customer(user.Id)).Orders.GetAsync<OrderDto>($"/orders/{held}")).Status);
        Assert.Equal(7, await shop.StockAsync(product.Id));
    }

    /// <summary>
    /// Each replica keeps the orders it has read (the order cache); a cancel at one of the three is seen by the next read
    /// at each of the others, and one Idempotency-Key repeated at all three places one order.
    /// </summary>
    [Fact]
    public async Task ACancelAtOneOfThreeReplicasIsSeenAtTheOthersAndAKeyRepeatedAtEachPlacesOneOrder()
    {
        var shop = await fixture.TopologyAsync();
        var user = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 10);
        using var clients = await shop.ReplicaClientsAsync(ShopServices.Orders, shop.As(Caller.Customer(user.Id)).AccessToken);
        var key = Guid.NewGuid().ToString("N");

        var placed = await Task.WhenAll(Enumerable.Range(0, 3 * ScaledOrdersFixture.OrdersReplicas)
            .Select(i => clients[i].PlaceOrderAsync(key, (product.Id, 2))));
        var order = Assert.Single((await Task.WhenAll(placed.Select(r => r.ReadAsync<OrderDto>(HttpStatusCode.Created)))).DistinctBy(o => o.Id));
        Assert.Equal(8, await shop.StockAsync(product.Id));
        for (var replica = 0; replica < ScaledOrdersFixture.OrdersReplicas; replica++)
        {
            Assert.Equal("Confirmed", (await clients[replica].GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
        }

        await (await clients[0].PostAsync($"/orders/{order.Id}/cancel", null, TestContext.Current.CancellationToken)).ReadAsync<OrderDto>(HttpStatusCode.OK);

        for (var replica = 1; replica < ScaledOrdersFixture.OrdersReplicas; replica++)
        {
            Assert.Equal("Cancelled", (await clients[replica].GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
        }

        await shop.StockSettlesAtAsync(product.Id, 10);
    }
}
