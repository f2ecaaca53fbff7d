using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class AccessControlTests(ShopFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Who an endpoint is for: a signed-in person, an admin, or a service with a scope.</summary>
    public enum Caller
    {
        Person,
        Admin,
        Reservations
    }

    private static readonly (string Service, string Method, string Path, Caller Caller)[] Endpoints =
    [
        ("users", "GET", "/users", Caller.Admin),
        ("users", "GET", "/users/1", Caller.Person),
        ("users", "PUT", "/users/1", Caller.Person),
        ("users", "DELETE", "/users/1", Caller.Person),
        ("products", "GET", "/products", Caller.Person),
        ("products", "GET", "/products/1", Caller.Person),
        ("products", "POST", "/products", Caller.Admin),
        ("products", "PUT", "/products/1", Caller.Admin),
        ("products", "DELETE", "/products/1", Caller.Admin),
        ("products", "POST", "/reservations", Caller.Reservations),
        ("products", "GET", "/reservations/1", Caller.Reservations),
        ("products", "POST", "/reservations/1/confirm", Caller.Reservations),
        ("products", "POST", "/reservations/1/release", Caller.Reservations),
        ("orders", "GET", "/orders", Caller.Person),
        ("orders", "GET", "/orders/1", Caller.Person),
        ("orders", "POST", "/orders", Caller.Person),
        ("orders", "POST", "/orders/1/cancel", Caller.Person)
    ];

    public static TheoryData<string, string, string, Caller> ProtectedEndpoints()
    {
        var data = new TheoryData<string, string, string, Caller>();
        foreach (var (service, method, path, caller) in Endpoints)
        {
            data.Add(service, method, path, caller);
        }

        return data;
    }

    public static TheoryData<string, string, string> ProtectedRoutes()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (service, method, path, _) in Endpoints)
        {
            data.Add(service, method, path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task WithoutATokenTheAnswerIs401WithWwwAuthenticate(string service, string method, string path)
    {
        var response = await SendAsync(service, method, path, token: null);

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task AnExpiredTokenGets401(string service, string method, string path, Caller caller)
    {
        var token = Forge(service, caller, expires: DateTime.UtcNow.AddHours(-1));

        var response = await SendAsync(service, method, path, token);

        await AssertUnauthorizedAsync(response);
        Assert.Contains("expired", response.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ATamperedTokenGets401(string service, string method, string path, Caller caller)
    {
        var response = await SendAsync(service, method, path, TokenForge.Tamper(Forge(service, caller)));

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ATokenForAnotherAudienceGets401(string service, string method, string path, Caller caller)
    {
        var response = await SendAsync(service, method, path, Forge("inventory", caller));

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ATokenWithoutTheRightRoleGets403Problem(string service, string method, string path, Caller caller)
    {
        var forge = new TokenForge(Path.Combine(Shop.DataDirectory, "users-signing-key.pem"));
        var token = caller switch
        {
            // A customer is not an admin and is not a service.
            Caller.Admin or Caller.Reservations => forge.Create(service, "1", role: "Customer"),
            // A service is not a person.
            _ => forge.Create(service, "orders", scope: "reservations")
        };

        var response = await SendAsync(service, method, path, token);

        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ACustomerCannotSeeOrCancelAnotherCustomersOrder()
    {
        var owner = await Shop.CreateUserAsync();
        var other = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 5);
        var order = await (await Shop.PlaceOrderAsync(owner.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var intruder = Shop.SessionOf(other.Id);

        await (await intruder.Orders.GetAsync($"/orders/{order.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await intruder.Orders.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await intruder.Orders.GetAsync($"/orders?userId={owner.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("Confirmed", (await Shop.SessionOf(owner.Id).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
        Assert.Equal(4, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task ACustomerCannotReadOrChangeAnotherCustomersRecord()
    {
        var owner = await Shop.CreateUserAsync("Liam");
        var other = await Shop.CreateUserAsync();
        var intruder = Shop.SessionOf(other.Id);

        await (await intruder.Users.GetAsync($"/users/{owner.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        var update = await intruder.Users.PutAsJsonAsync($"/users/{owner.Id}", new { name = "Hijacked", email = owner.Email, age = 1 }, Cancellation);
        await update.ReadProblemAsync(HttpStatusCode.NotFound);
        await (await intruder.Users.DeleteAsync($"/users/{owner.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("Liam", (await Shop.SessionOf(owner.Id).Users.GetAsync<UserDto>($"/users/{owner.Id}")).Name);
    }

    [Fact]
    public async Task ACustomerListsOnlyTheirOwnOrders()
    {
        var customer = await Shop.CreateUserAsync();
        var someoneElse = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 5);
        var mine = await (await Shop.PlaceOrderAsync(customer.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await (await Shop.PlaceOrderAsync(someoneElse.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var page = await Shop.SessionOf(customer.Id).Orders.GetAsync<PageDto<OrderSummaryDto>>("/orders");

        Assert.Equal(mine.Id, Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task AServiceIdentityCannotActAsACustomer()
    {
        var customer = await Shop.CreateUserAsync();

        // It may read a user for an order, but not change one, and not buy anything.
        Assert.Equal(customer.Id, (await Shop.Service.Users.GetAsync<UserDto>($"/users/{customer.Id}")).Id);
        var update = await Shop.Service.Users.PutAsJsonAsync($"/users/{customer.Id}", new { name = "Service", email = customer.Email, age = 1 }, Cancellation);
        await update.ReadProblemAsync(HttpStatusCode.Forbidden);
        var order = await Shop.Service.Products.PostAsJsonAsync("/products", new { sku = "SVC-1", name = "x", price = 1m, currency = "EUR", stock = 1 }, Cancellation);
        await order.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ACustomerCannotActAsAService()
    {
        var customer = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 5);

        var reserve = await Shop.SessionOf(customer.Id).Products.PostAsJsonAsync("/reservations",
            new { orderId = 1, lines = new[] { new { productId = product.Id, quantity = 5 } } }, Cancellation);

        await reserve.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(5, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task ACustomerCannotManageProducts()
    {
        var customer = await Shop.CreateUserAsync();

        var create = await Shop.SessionOf(customer.Id).Products.PostAsJsonAsync("/products",
            new { sku = ShopApi.Unique("SKU"), name = "Free lunch", price = 0m, currency = "EUR", stock = 1 }, Cancellation);

        await create.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    private string Forge(string audience, Caller caller, DateTime? expires = null)
    {
        var forge = new TokenForge(Path.Combine(Shop.DataDirectory, "users-signing-key.pem"));
        return caller switch
        {
            Caller.Admin => forge.Create(audience, "1", role: "Admin", expires: expires),
            Caller.Reservations => forge.Create(audience, "orders", scope: "reservations", expires: expires),
            _ => forge.Create(audience, "1", role: "Customer", expires: expires)
        };
    }

    private async Task<HttpResponseMessage> SendAsync(string service, string method, string path, string? token)
    {
        using var session = Shop.SessionWith(null);
        var client = service switch
        {
            "users" => session.Users,
            "products" => session.Products,
            _ => session.Orders
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { });
        }

        return await client.SendAsync(request, Cancellation);
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, header => header.Scheme == "Bearer");
    }
}
