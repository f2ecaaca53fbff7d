using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>Many customers race for one product's stock: nothing is oversold, and every refusal says why.</summary>
public sealed class ContentionTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Fact]
    public async Task TwoHundredConcurrentOrdersForFiftyInStockSellExactlyFifty()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 50);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Shop.PlaceOrderAsync(user.Id, (product.Id, 1))));

        var statuses = responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.Created] = 50, [HttpStatusCode.Conflict] = 150 }, statuses);
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await refused.ReadProblemAsync(HttpStatusCode.Conflict);
        }

        Assert.Equal(0, await Shop.StockAsync(product.Id));
        var orders = await Shop.OrdersOfAsync(user.Id);
        Assert.Equal(50, orders.TotalCount);
        Assert.All(orders.Items, o => Assert.Equal("Confirmed", o.Status));
    }
}
