using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class ContentionTests(ShopFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    [Fact]
    public async Task TwoHundredConcurrentOrdersForFiftyInStockSellExactlyFifty()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 50);

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

    [Fact]
    public async Task AnUpdateFromAStaleReadIsRefusedRatherThanGivingBackStockAnOrderTook()
    {
        var product = await Shop.CreateProductAsync(stock: 10);
        var staleTag = (await Shop.Products.GetAsync($"/products/{product.Id}", TestContext.Current.CancellationToken)).Headers.ETag;
        var user = await Shop.CreateUserAsync();
        await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 3))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var stale = await UpdateAsync(product with { Name = "Renamed" }, staleTag);

        await stale.ReadProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal((product.Name, 7), await NameAndStockAsync(product.Id));

        var freshTag = (await Shop.Products.GetAsync($"/products/{product.Id}", TestContext.Current.CancellationToken)).Headers.ETag;
        var fresh = await UpdateAsync(product with { Name = "Renamed", Stock = 17 }, freshTag);

        await fresh.ReadAsync<ProductDto>(HttpStatusCode.OK);
        Assert.Equal(("Renamed", 17), await NameAndStockAsync(product.Id));
    }

    private async Task<HttpResponseMessage> UpdateAsync(ProductDto product, System.Net.Http.Headers.EntityTagHeaderValue? ifMatch)
    {
        Assert.NotNull(ifMatch);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/products/{product.Id}")
        {
            Content = JsonContent.Create(new { sku = product.Sku, name = product.Name, price = product.Price, currency = product.Currency, stock = product.Stock })
        };
        request.Headers.IfMatch.Add(ifMatch);
        return await Shop.Products.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<(string Name, int Stock)> NameAndStockAsync(int productId)
    {
        var product = await Shop.Products.GetAsync<ProductDto>($"/products/{productId}");
        return (product.Name, product.Stock);
    }
}
