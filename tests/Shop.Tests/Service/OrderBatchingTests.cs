using System.Net;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Orders placed at the same time go to the products service together: one call holds the stock of many, one confirms
/// it. Each order still gets its own answer. On an orders service of its own, so that no other test's orders join in.
/// </summary>
public sealed class OrderBatchingTests
{
    private const int Placed = 16;
    private const int Stock = 10;

    [Fact]
    public async Task OrdersPlacedTogetherAreHeldAndConfirmedInFewerCallsThanOrdersEachWithItsOwnAnswer()
    {
        await using var orders = new OrdersServiceHost();
        var customer = orders.Peers.NewUser();
        var product = orders.Peers.NewProduct(stock: Stock);
        using var client = orders.As(Caller.Customer(customer));
        // While the first confirm is answered slowly, the orders behind it queue for the next call.
        orders.Peers.ConfirmDelay = TimeSpan.FromMilliseconds(500);

        var responses = await Task.WhenAll(Enumerable.Range(0, Placed).Select(_ => client.PlaceOrderAsync(null, (product, 1))));

        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.Equal((Stock, Placed - Stock), (created.Count, refused.Count));
        foreach (var order in await Task.WhenAll(created.Select(r => r.ReadAsync<OrderDto>(HttpStatusCode.Created))))
        {
            Assert.Equal("Confirmed", order.Status);
            Assert.Equal("Confirmed", orders.Peers.ReservationOf(order.Id));
        }

        foreach (var problem in await Task.WhenAll(refused.Select(r => r.ReadProblemAsync(HttpStatusCode.Conflict))))
        {
            Assert.Equal([product], problem.GetProperty("productIds").EnumerateArray().Select(id => id.GetInt32()));
        }

        Assert.Equal(0, orders.Peers.StockOf(product));
        Assert.InRange(orders.Peers.CallsTo("POST /reservations/batch/confirm"), 1, Stock - 1);
        Assert.Equal(Stock, (await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).Items.Count);
    }
}
