using System.Net;
using System.Net.Http.Json;
using System.Text;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class ProblemResponseTests(ShopFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("users", "/users/999999")]
    [InlineData("products", "/products/999999")]
    [InlineData("orders", "/orders/999999")]
    public async Task UnknownIdReturns404Problem(string service, string path)
    {
        var response = await ClientFor(service).GetAsync(path, Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("999999", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UpdatingOrDeletingUnknownUserReturns404Problem()
    {
        var update = await Shop.Users.PutAsJsonAsync("/users/999999", new { name = "Nobody", email = "nobody@example.com", age = 20 }, Cancellation);
        var delete = await Shop.Users.DeleteAsync("/users/999999", Cancellation);

        await update.ReadProblemAsync(HttpStatusCode.NotFound);
        await delete.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task InvalidUserReturns400ProblemWithFieldErrorsAndCreatesNothing()
    {
        var before = (await Shop.Users.GetAsync<PageDto<UserDto>>("/users")).TotalCount;

        var response = await Shop.Users.PostAsJsonAsync("/users", new { name = "", email = "not-an-email", age = -1, password = "long enough password" }, Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("Name", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("Email", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("Age", out _), errors.ToString());
        Assert.Equal(before, (await Shop.Users.GetAsync<PageDto<UserDto>>("/users")).TotalCount);
    }

    [Fact]
    public async Task ARegistrationWithAShortPasswordReturns400ProblemNamingIt()
    {
        var response = await Shop.Anonymous.Users.PostAsJsonAsync("/users",
            new { name = "Nina", email = $"{Guid.NewGuid():N}@example.com", age = 30, password = "short" }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Password"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task InvalidProductReturns400ProblemWithFieldErrors()
    {
        var response = await Shop.Products.PostAsJsonAsync("/products",
            new { sku = "lower case", name = "Thing", price = -1m, currency = "euro", stock = -5 }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Currency", "Price", "Sku", "Stock"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task MalformedJsonReturns400Problem()
    {
        using var body = new StringContent("{\"name\": \"Carol\"", Encoding.UTF8, "application/json");

        var response = await Shop.Users.PostAsync("/users", body, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OrderWithInvalidLinesReturns400ProblemNamingTheLine()
    {
        var response = await Shop.PlaceOrderAsync(1, (1, 0));

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("Lines[0].Quantity", out _), errors.ToString());
    }

    [Fact]
    public async Task OrderWithoutLinesReturns400Problem()
    {
        var response = await Shop.PlaceOrderAsync(1);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DuplicateEmailReturns409ProblemWhateverItsCase()
    {
        var user = await Shop.CreateUserAsync();

        var response = await Shop.Users.PostAsJsonAsync("/users", new { name = "Twin", email = user.Email.ToUpperInvariant(), age = 30, password = "long enough password" }, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task DuplicateSkuReturns409Problem()
    {
        var product = await Shop.CreateProductAsync();

        var response = await Shop.Products.PostAsJsonAsync("/products",
            new { sku = product.Sku, name = "Copy", price = 1m, currency = "EUR", stock = 1 }, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task PlacingAnOrderForUnknownUserReturns404ProblemAndStoresNothing()
    {
        var product = await Shop.CreateProductAsync();

        var response = await Shop.PlaceOrderAsync(999999, (product.Id, 1));

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await Shop.Orders.GetAsync<PageDto<OrderSummaryDto>>("/orders?userId=999999")).TotalCount);
    }

    [Fact]
    public async Task PlacingAnOrderForUnknownProductReturns404ProblemNamingIt()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync();

        var response = await Shop.PlaceOrderAsync(user.Id, (product.Id, 1), (999999, 1));

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([999999], problem.GetProperty("productIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0, (await Shop.Orders.GetAsync<PageDto<OrderSummaryDto>>($"/orders?userId={user.Id}")).TotalCount);
    }

    [Theory]
    [InlineData("/users?pageSize=0")]
    [InlineData("/users?pageSize=101")]
    [InlineData("/users?pageIndex=-1")]
    [InlineData("/users?pageSize=abc")]
    [InlineData("/orders?userId=0")]
    public async Task InvalidPagingReturns400Problem(string path)
    {
        var client = path.StartsWith("/users", StringComparison.Ordinal) ? Shop.Users : Shop.Orders;

        var response = await client.GetAsync(path, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    private HttpClient ClientFor(string service) => service switch
    {
        "users" => Shop.Users,
        "products" => Shop.Products,
        _ => Shop.Orders
    };
}
