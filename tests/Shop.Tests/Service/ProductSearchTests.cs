using System.Net;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// <c>GET /products?search=term</c> lists, a page at a time, the products whose name contains the term, whatever the case;
/// every character of the term stands for itself. Each test names its products with a tag of its own, so that products
/// other tests add to the shared service never match.
/// </summary>
public sealed class ProductSearchTests(InProcessServicesFixture services)
{
    [Fact]
    public async Task SearchFindsTheProductsWhoseNameContainsTheTermWhateverTheCase()
    {
        var tag = ShopApi.Unique("S");
        var blue = await services.Products.CreateProductAsync($"Blue {tag} mug");
        var tree = await services.Products.CreateProductAsync($"{tag.ToLowerInvariant()}-MUG tree");
        await services.Products.CreateProductAsync($"{tag} teapot");
        using var customer = services.Products.As(Caller.Customer(1));

        var page = await customer.GetAsync<PageDto<ProductDto>>($"/products?search={Uri.EscapeDataString($"{tag.ToLowerInvariant()} MUG")}");
        var again = await customer.GetAsync<PageDto<ProductDto>>($"/products?search={Uri.EscapeDataString($"  {tag}-mug ")}");

        Assert.Equal([blue.Name], page.Items.Select(p => p.Name));
        Assert.Equal(1, page.TotalCount);
        Assert.Equal([tree.Name], again.Items.Select(p => p.Name));
    }

    [Theory]
    [InlineData("50% off", "50 pieces off")]
    [InlineData("a_b", "axb")]
    [InlineData("a\\b", "ab")]
    [InlineData("a\\%b", "a%b")]
    public async Task WildcardsAndEscapesInTheTermMatchOnlyThemselves(string term, string lookalike)
    {
        var tag = ShopApi.Unique("S");
        var wanted = await services.Products.CreateProductAsync($"{tag} {term}");
        await services.Products.CreateProductAsync($"{tag} {lookalike}");
        using var customer = services.Products.As(Caller.Customer(1));

        var page = await customer.GetAsync<PageDto<ProductDto>>($"/products?search={Uri.EscapeDataString($"{tag} {term}")}");
        var byTermAlone = await customer.GetAsync<PageDto<ProductDto>>($"/products?search={Uri.EscapeDataString(term)}&pageSize=100");

        Assert.Equal([wanted.Id], page.Items.Select(p => p.Id));
        Assert.Contains(wanted.Id, byTermAlone.Items.Select(p => p.Id));
        Assert.DoesNotContain(byTermAlone.Items, p => p.Name.StartsWith(tag, StringComparison.Ordinal) && p.Id != wanted.Id);
    }

    [Fact]
    public async Task ATermTypedWithACombiningAccentFindsTheNameTypedPrecomposed()
    {
        var tag = ShopApi.Unique("S");
        var cafe = await services.Products.CreateProductAsync($"{tag} Caf\u00e9 cup");
        using var customer = services.Products.As(Caller.Customer(1));

        var page = await customer.GetAsync<PageDto<ProductDto>>($"/products?search={Uri.EscapeDataString($"{tag} cafe\u0301")}");

        Assert.Equal([cafe.Id], page.Items.Select(p => p.Id));
    }

    [Fact]
    public async Task SearchResultsArePagedInOrderWithTheirTotalCount()
    {
        var tag = ShopApi.Unique("S");
        var matching = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            matching.Add((await services.Products.CreateProductAsync($"{tag} lamp {i}")).Id);
            await services.Products.CreateProductAsync($"{tag} chair {i}");
        }

        using var customer = services.Products.As(Caller.Customer(1));
        var pages = new List<PageDto<ProductDto>>();
        for (var index = 0; index < 3; index++)
        {
            pages.Add(await customer.GetAsync<PageDto<ProductDto>>($"/products?search={Uri.EscapeDataString($"{tag} LAMP")}&pageIndex={index}&pageSize=2"));
        }

        Assert.All(pages, page => Assert.Equal((5, 2), (page.TotalCount, page.PageSize)));
        Assert.Equal([2, 2, 1], pages.Select(p => p.Items.Count));
        Assert.Equal(matching, pages.SelectMany(p => p.Items).Select(p => p.Id));
    }

    [Fact]
    public async Task AnEmptySearchListsEveryProduct()
    {
        // A service of its own, so that no other test adds products between the lists compared.
        await using var products = new ProductsServiceHost();
        await products.CreateProductAsync("Kettle");
        using var customer = products.As(Caller.Customer(1));

        var all = await customer.GetAsync<PageDto<ProductDto>>("/products?pageSize=100");
        var empty = await customer.GetAsync<PageDto<ProductDto>>("/products?search=&pageSize=100");
        var blank = await customer.GetAsync<PageDto<ProductDto>>("/products?search=%20%20&pageSize=100");

        Assert.Equal(["Book", "Pen", "Kettle"], all.Items.Select(p => p.Name));
        Assert.Equal((3, 3, 3), (all.TotalCount, empty.TotalCount, blank.TotalCount));
        Assert.Equal(all.Items, empty.Items);
        Assert.Equal(all.Items, blank.Items);
    }

    [Theory]
    [InlineData(101, "x")]
    [InlineData(10 * 1024, "%")]
    [InlineData(1, "\u0000")]
    [InlineData(1, "a\u001b[31m")]
    [InlineData(1, "\u202egpj")]
    public async Task ASearchTooLongOrWithControlCharactersGets400ProblemNamingSearch(int repeat, string text)
    {
        using var customer = services.Products.As(Caller.Customer(1));

        var response = await customer.GetAsync($"/products?search={Uri.EscapeDataString(string.Concat(Enumerable.Repeat(text, repeat)))}",
            TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Search", out var messages) && messages.GetArrayLength() > 0, problem.ToString());
    }

    [Fact]
    public async Task ASearchOfTheLongestLengthIsAnswered()
    {
        using var customer = services.Products.As(Caller.Customer(1));

        var page = await customer.GetAsync<PageDto<ProductDto>>($"/products?search={new string('x', 100)}");

        Assert.Equal(0, page.TotalCount);
    }
}
