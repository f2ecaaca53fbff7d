using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>Every list is paged the same way: <c>?pageIndex=0&amp;pageSize=20</c>, with the total count.</summary>
public sealed class PagingTests(InProcessServicesFixture services)
{
    [Fact]
    public async Task PagesWalkTheWholeListOnceInOrder()
    {
        // A service of its own, so that no other test adds products while the pages are walked.
        await using var products = new ProductsServiceHost();
        for (var i = 0; i < 5; i++)
        {
            await products.CreateProductAsync($"Paged {i}");
        }

        using var admin = products.As(Caller.Admin());
        var first = await admin.GetAsync<PageDto<ProductDto>>("/products?pageIndex=0&pageSize=3");
        var all = new List<ProductDto>();
        var pages = (first.TotalCount + 2) / 3;
        for (var index = 0; index < pages; index++)
        {
            var page = await admin.GetAsync<PageDto<ProductDto>>($"/products?pageIndex={index}&pageSize=3");
            Assert.Equal((index, 3), (page.PageIndex, page.PageSize));
            Assert.True(page.Items.Count == 3 || index == pages - 1);
            all.AddRange(page.Items);
        }

        Assert.True(first.TotalCount >= 7);
        Assert.Equal(first.TotalCount, all.Count);
        Assert.Equal(all.Select(p => p.Id).Order(), all.Select(p => p.Id));
        Assert.Equal(all.Count, all.Select(p => p.Id).Distinct().Count());
    }

    [Fact]
    public async Task APageBeyondTheEndIsEmptyButCountsEverything()
    {
        using var admin = services.Users.As(Caller.Admin());

        var page = await admin.GetAsync<PageDto<UserDto>>("/users?pageIndex=100000&pageSize=100");

        Assert.Empty(page.Items);
        Assert.True(page.TotalCount >= 3, "The seeded users and the admin are counted.");
    }

    [Fact]
    public async Task ListsDefaultToTheFirstPageOfTwenty()
    {
        var customer = services.Orders.Peers.NewUser();
        var product = services.Orders.Peers.NewProduct(stock: 100);
        using var client = services.Orders.As(Caller.Customer(customer));
        for (var i = 0; i < 21; i++)
        {
            await (await client.PostAsync("/orders", ShopApi.OrderBody((product, 1)), TestContext.Current.CancellationToken)).ReadAsync<OrderDto>(System.Net.HttpStatusCode.Created);
        }

        var page = await client.GetAsync<PageDto<OrderSummaryDto>>("/orders");

        Assert.Equal((0, 20, 21, 20), (page.PageIndex, page.PageSize, page.TotalCount, page.Items.Count));
    }
}
