using System.Net;
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
            // Each event is in the products inbox once (its key); had two relays published it, or the transport given it
            // to both products replicas, one of them would have turned the repeat away, and logged so.
            var eventId = await products.InboxEventIdAsync("order.cancelled", order.Id);
            Assert.DoesNotContain($"Event {eventId} of type order.cancelled is in the inbox already", shop.ServiceLogText, StringComparison.Ordinal);
        }
    }
}
