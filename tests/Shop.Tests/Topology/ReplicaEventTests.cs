using System.Net;
using System.Text.RegularExpressions;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>Integration events with two replicas of every service, on PostgreSQL.</summary>
[Collection(ReplicasCollection.Name)]
public sealed class ReplicaEventTests(ReplicaTopologyFixture fixture)
{
    [Fact]
    public async Task EachCancelIsPublishedOnceAcrossTheOrdersReplicasAndHandledOnceAcrossTheProductsReplicas()
    {
        var shop = await fixture.TopologyAsync();
        var customer = await shop.CreateCustomerAsync();
        var product = await shop.CreateProductAsAdminAsync(stock: 100);
        var orders = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => shop.PlacedOrderAsync(customer.Id, (product.Id, 2))));

        var cancels = await Task.WhenAll(orders.Select(order =>
            shop.As(Caller.Customer(customer.Id)).Orders.PostAsync($"/orders/{order.Id}/cancel", null, TestContext.Current.CancellationToken)));

        Assert.All(cancels, cancel => Assert.Equal(HttpStatusCode.OK, cancel.StatusCode));
        await shop.StockSettlesAtAsync(product.Id, 100);
        var products = await shop.DatabaseAsync(ShopResources.ProductsDatabase);
        foreach (var order in orders)
        {
            // Had two relays published one event, or two consumers handled it, the products replicas would have logged it.
            var eventId = await products.InboxEventIdAsync("order.cancelled", order.Id);
            Assert.Equal(1, Regex.Count(shop.ServiceLogText, $"Event {eventId} of type order.cancelled was handled"));
            Assert.Equal(0, Regex.Count(shop.ServiceLogText, $"Event {eventId} of type order.cancelled is in the inbox already"));
        }
    }
}
