using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>What each service answers when it cannot do what was asked: a problem with the right status and what it names.</summary>
public sealed class ProblemResponseTests(InProcessServicesFixture services)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ShopServices.Users, "/users/999999")]
    [InlineData(ShopServices.Products, "/products/999999")]
    [InlineData(ShopServices.Orders, "/orders/999999")]
    public async Task AnUnknownIdGets404ProblemNamingIt(string service, string path)
    {
        using var admin = service switch
        {
            ShopServices.Users => services.Users.As(Caller.Admin()),
            ShopServices.Products => services.Products.As(Caller.Admin()),
            _ => services.Orders.As(Caller.Admin())
        };

        var response = await admin.GetAsync(path, Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("999999", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UpdatingOrDeletingAnUnknownUserGets404Problem()
    {
        using var admin = services.Users.As(Caller.Admin());

        var update = await admin.PutAsJsonAsync("/users/999999", new { name = "Nobody", email = "nobody@example.com", age = 20 }, Cancellation);
        var delete = await admin.DeleteAsync("/users/999999", Cancellation);

        await update.ReadProblemAsync(HttpStatusCode.NotFound);
        await delete.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnInvalidRegistrationGets400ProblemNamingEveryBadFieldAndCreatesNothing()
    {
        using var anonymous = services.Users.As(Caller.Anonymous);

        var response = await anonymous.PostAsJsonAsync("/users", new { name = "", email = "not-an-email", age = -1, password = "long enough password" }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Age", "Email", "Name"], errors.EnumerateObject().Select(p => p.Name).Order());
        // Other tests register users on this service meanwhile: only a row of this request would show it created something.
        Assert.Equal(0L, await services.Users.Database.ExecuteAsync("SELECT count(*) FROM Users WHERE Email = 'not-an-email' OR Name = ''"));
    }

    [Fact]
    public async Task ARegistrationWithAShortPasswordGets400ProblemNamingOnlyThePassword()
    {
        using var anonymous = services.Users.As(Caller.Anonymous);

        var response = await anonymous.PostAsJsonAsync("/users",
            new { name = "Nina", email = $"{Guid.NewGuid():N}@example.com", age = 30, password = "short" }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Password"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task AnInvalidProductGets400ProblemNamingEveryBadField()
    {
        using var admin = services.Products.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/products",
            new { sku = "lower case", name = "Thing", price = -1m, currency = "euro", stock = -5 }, Cancellation);

        var errors = (await response.ReadProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["Currency", "Price", "Sku", "Stock"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task ATakenEmailGets409ProblemWhateverItsCase()
    {
        var user = await services.Users.RegisterAsync();
        using var anonymous = services.Users.As(Caller.Anonymous);

        var response = await anonymous.PostAsJsonAsync("/users", new { name = "Twin", email = user.Email.ToUpperInvariant(), age = 30, password = "long enough password" }, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ATakenSkuGets409Problem()
    {
        var product = await services.Products.CreateProductAsync();
        using var admin = services.Products.As(Caller.Admin());

        var response = await admin.PostAsJsonAsync("/products", new { sku = product.Sku, name = "Copy", price = 1m, currency = "EUR", stock = 1 }, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task PlacingAnOrderForAnUnknownUserGets404ProblemAndStoresNothing()
    {
        var stranger = 900_000 + Random.Shared.Next(1000);
        var product = services.Orders.Peers.NewProduct();
        using var client = services.Orders.As(Caller.Customer(stranger));

        var response = await client.PostAsync("/orders", ShopApi.OrderBody((product, 1)), Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).TotalCount);
        Assert.Equal(10, services.Orders.Peers.StockOf(product));
    }

    [Fact]
    public async Task PlacingAnOrderForAnotherCustomerGets404ProblemAsIfTheyDidNotExist()
    {
        var customer = services.Orders.Peers.NewUser();
        var someoneElse = services.Orders.Peers.NewUser();
        var product = services.Orders.Peers.NewProduct();
        using var client = services.Orders.As(Caller.Customer(customer));

        var response = await client.PostAsJsonAsync("/orders", new { userId = someoneElse, lines = new[] { new { productId = product, quantity = 1 } } }, Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains(someoneElse.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString());
        Assert.Equal(10, services.Orders.Peers.StockOf(product));
    }

    [Fact]
    public async Task PlacingAnOrderForAnUnknownProductGets404ProblemNamingIt()
    {
        var customer = services.Orders.Peers.NewUser();
        var product = services.Orders.Peers.NewProduct();
        using var client = services.Orders.As(Caller.Customer(customer));

        var response = await client.PostAsync("/orders", ShopApi.OrderBody((product, 1), (999_999, 1)), Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([999_999], problem.GetProperty("productIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0, (await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).TotalCount);
    }

    [Fact]
    public async Task AnOrderOfProductsInDifferentCurrenciesGets422ProblemAndHoldsNothing()
    {
        var customer = services.Orders.Peers.NewUser();
        var euro = services.Orders.Peers.NewProduct(currency: "EUR");
        var dollar = services.Orders.Peers.NewProduct(currency: "USD");
        using var client = services.Orders.As(Caller.Customer(customer));

        var response = await client.PostAsync("/orders", ShopApi.OrderBody((euro, 1), (dollar, 1)), Cancellation);

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("USD", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).TotalCount);
        Assert.Equal((10, 10), (services.Orders.Peers.StockOf(euro), services.Orders.Peers.StockOf(dollar)));
    }
}
