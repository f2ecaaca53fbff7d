using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class PagingTests(ShopFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    [Fact]
    public async Task PagesWalkTheWholeListOnceInOrder()
    {
        for (var i = 0; i < 5; i++)
        {
            await Shop.CreateProductAsync($"Paged {i}");
        }

        var first = await Shop.Products.GetAsync<PageDto<ProductDto>>("/products?pageIndex=0&pageSize=3");
        var all = new List<ProductDto>();
        var pages = (first.TotalCount + 2) / 3;
        for (var index = 0; index < pages; index++)
        {
            var page = await Shop.Products.GetAsync<PageDto<ProductDto>>($"/products?pageIndex={index}&pageSize=3");
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
    public async Task APageBeyondTheEndIsEmpty()
    {
        var page = await Shop.Users.GetAsync<PageDto<UserDto>>("/users?pageIndex=100000&pageSize=100");

        Assert.Empty(page.Items);
        Assert.True(page.TotalCount >= 2);
    }

    [Fact]
    public async Task ListsDefaultToTwentyItemsAPage()
    {
        var page = await Shop.Orders.GetAsync<PageDto<OrderSummaryDto>>("/orders");

        Assert.Equal((0, 20), (page.PageIndex, page.PageSize));
        Assert.True(page.Items.Count <= 20);
    }
}
