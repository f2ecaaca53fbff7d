using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>An update of a product never gives back stock that an order took since the product was read.</summary>
public sealed class ProductUpdateTests(InProcessServicesFixture services)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUpdateFromAStaleReadIsRefusedRatherThanGivingBackStockAnOrderTook()
    {
        var product = await services.Products.CreateProductAsync(stock: 10);
        using var admin = services.Products.As(Caller.Admin());
        using var service = services.Products.As(Caller.Service(ShopScopes.Reservations));
        var staleTag = (await admin.GetAsync($"/products/{product.Id}", Cancellation)).Headers.ETag;
        var reserve = await service.ReserveAsync(Random.Shared.Next(500_000_000, int.MaxValue), (product.Id, 3));
        await reserve.ReadAsync<ReservationDto>(HttpStatusCode.Created);

        var stale = await UpdateAsync(admin, product with { Name = "Renamed" }, staleTag);

        await stale.ReadProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal((product.Name, 7), await NameAndStockAsync(admin, product.Id));

        var freshTag = (await admin.GetAsync($"/products/{product.Id}", Cancellation)).Headers.ETag;
        var fresh = await UpdateAsync(admin, product with { Name = "Renamed", Stock = 17 }, freshTag);

        await fresh.ReadAsync<ProductDto>(HttpStatusCode.OK);
        Assert.Equal(("Renamed", 17), await NameAndStockAsync(admin, product.Id));
    }

    private static async Task<HttpResponseMessage> UpdateAsync(HttpClient admin, ProductDto product, System.Net.Http.Headers.EntityTagHeaderValue? ifMatch)
    {
        Assert.NotNull(ifMatch);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/products/{product.Id}")
        {
            Content = JsonContent.Create(new { sku = product.Sku, name = product.Name, price = product.Price, currency = product.Currency, stock = product.Stock })
        };
        request.Headers.IfMatch.Add(ifMatch);
        return await admin.SendAsync(request, Cancellation);
    }

    private static async Task<(string Name, int Stock)> NameAndStockAsync(HttpClient admin, int productId)
    {
        var product = await admin.GetAsync<ProductDto>($"/products/{productId}");
        return (product.Name, product.Stock);
    }
}
