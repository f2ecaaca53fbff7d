using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>Who may call what, service by service: the token's signature, lifetime, audience, role and scope, and whose data it is.</summary>
public sealed class AccessControlTests(InProcessServicesFixture services)
{

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Who an endpoint is for: a signed-in person, an admin, or a service with a scope.</summary>
    public enum Needs
    {
        Person,
        Admin,
        Reservations
    }

    private static readonly (string Service, string Method, string Path, Needs Needs)[] Endpoints =
    [
        (ShopServices.Users, "GET", "/users", Needs.Admin),
        (ShopServices.Users, "GET", "/users/1", Needs.Person),
        (ShopServices.Users, "PUT", "/users/1", Needs.Person),
        (ShopServices.Users, "DELETE", "/users/1", Needs.Person),
        (ShopServices.Users, "GET", "/signing-keys", Needs.Admin),
        (ShopServices.Users, "POST", "/signing-keys", Needs.Admin),
        (ShopServices.Users, "DELETE", "/signing-keys/any-key", Needs.Admin),
        (ShopServices.Products, "GET", "/products", Needs.Person),
        (ShopServices.Products, "GET", "/products/1", Needs.Person),
        (ShopServices.Products, "POST", "/products", Needs.Admin),
        (ShopServices.Products, "PUT", "/products/1", Needs.Admin),
        (ShopServices.Products, "DELETE", "/products/1", Needs.Admin),
        (ShopServices.Products, "POST", "/reservations", Needs.Reservations),
        (ShopServices.Products, "POST", "/reservations/batch", Needs.Reservations),
        (ShopServices.Products, "POST", "/reservations/batch/confirm", Needs.Reservations),
        (ShopServices.Products, "GET", "/reservations/1", Needs.Reservations),
        (ShopServices.Products, "POST", "/reservations/1/confirm", Needs.Reservations),
        (ShopServices.Products, "POST", "/reservations/1/release", Needs.Reservations),
        (ShopServices.Orders, "GET", "/orders", Needs.Person),
        (ShopServices.Orders, "GET", "/orders/1", Needs.Person),
        (ShopServices.Orders, "POST", "/orders", Needs.Person),
        (ShopServices.Orders, "POST", "/orders/1/cancel", Needs.Person),
        (ShopServices.Orders, "POST", "/webhooks", Needs.Admin),
        (ShopServices.Orders, "GET", "/webhooks", Needs.Admin),
        (ShopServices.Orders, "DELETE", "/webhooks/1", Needs.Admin),
        (ShopServices.Orders, "GET", "/webhooks/1/deliveries", Needs.Admin),
        (ShopServices.Orders, "POST", "/webhooks/deliveries/1/replay", Needs.Admin),
        (ShopServices.Products, "GET", "/events/dead-letters", Needs.Admin),
        (ShopServices.Products, "POST", $"/events/dead-letters/{Guid.Empty}/replay", Needs.Admin),
        (ShopServices.Orders, "GET", "/events/dead-letters", Needs.Admin),
        (ShopServices.Orders, "POST", $"/events/dead-letters/{Guid.Empty}/replay", Needs.Admin)
    ];

    public static TheoryData<string, string, string, Needs> ProtectedEndpoints()
    {
        var data = new TheoryData<string, string, string, Needs>();
        foreach (var (service, method, path, caller) in Endpoints)
        {
            data.Add(service, method, path, caller);
        }

        return data;
    }

    /// <summary>The endpoints that change nothing: a test may call them with a good token first.</summary>
    public static TheoryData<string, string, string, Needs> ProtectedReads()
    {
        var data = new TheoryData<string, string, string, Needs>();
        foreach (var (service, method, path, caller) in Endpoints.Where(e => e.Method == "GET"))
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
    public async Task AnExpiredTokenGets401(string service, string method, string path, Needs caller)
    {
        var token = Forge(service, caller, expires: DateTime.UtcNow.AddHours(-1));

        var response = await SendAsync(service, method, path, token);

        await AssertUnauthorizedAsync(response);
        Assert.Contains("expired", response.Headers.WwwAuthenticate.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ATamperedTokenGets401(string service, string method, string path, Needs caller)
    {
        var response = await SendAsync(service, method, path, TokenForge.Tamper(Forge(service, caller)));

        await AssertUnauthorizedAsync(response);
    }

    /// <summary>A service remembers the tokens it has accepted; a changed copy of one is still checked, and refused.</summary>
    [Theory]
    [MemberData(nameof(ProtectedReads))]
    public async Task ATamperedCopyOfATokenJustAcceptedGets401(string service, string method, string path, Needs caller)
    {
        var token = Forge(service, caller);
        var accepted = await SendAsync(service, method, path, token);
        Assert.NotEqual(HttpStatusCode.Unauthorized, accepted.StatusCode);

        var response = await SendAsync(service, method, path, TokenForge.Tamper(token));

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ATokenForAnotherAudienceGets401(string service, string method, string path, Needs caller)
    {
        var response = await SendAsync(service, method, path, Forge("inventory", caller));

        await AssertUnauthorizedAsync(response);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task ATokenWithoutTheRightRoleGets403Problem(string service, string method, string path, Needs caller)
    {
        var forge = TokenForge.InProcess;
        var token = caller switch
        {
            // A customer is not an admin and is not a service.
            Needs.Admin or Needs.Reservations => forge.Create(service, "1", role: "Customer"),
            // A service is not a person.
            _ => forge.Create(service, ShopServices.Orders, scope: ShopScopes.Reservations)
        };

        var response = await SendAsync(service, method, path, token);

        await response.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ACustomerCannotSeeOrCancelAnotherCustomersOrder()
    {
        var orders = services.Orders;
        var owner = orders.Peers.NewUser();
        var other = orders.Peers.NewUser();
        var product = orders.Peers.NewProduct(stock: 5);
        using var ownerClient = orders.As(Caller.Customer(owner));
        var order = await (await ownerClient.PostAsync("/orders", ShopApi.OrderBody((product, 1)), Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.Created);
        using var intruder = orders.As(Caller.Customer(other));

        await (await intruder.GetAsync($"/orders/{order.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await intruder.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await intruder.GetAsync($"/orders?userId={owner}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("Confirmed", (await ownerClient.GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
        Assert.Equal(4, orders.Peers.StockOf(product));
    }

    [Fact]
    public async Task ACustomerCannotReadOrChangeAnotherCustomersRecord()
    {
        var owner = await services.Users.RegisterAsync("Liam");
        var other = await services.Users.RegisterAsync();
        using var intruder = services.Users.As(Caller.Customer(other.Id));

        await (await intruder.GetAsync($"/users/{owner.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
        var update = await intruder.PutAsJsonAsync($"/users/{owner.Id}", new { name = "Hijacked", email = owner.Email, age = 1 }, Cancellation);
        await update.ReadProblemAsync(HttpStatusCode.NotFound);
        await (await intruder.DeleteAsync($"/users/{owner.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);

        using var ownerClient = services.Users.As(Caller.Customer(owner.Id));
        Assert.Equal("Liam", (await ownerClient.GetAsync<UserDto>($"/users/{owner.Id}")).Name);
    }

    [Fact]
    public async Task ACustomerListsOnlyTheirOwnOrders()
    {
        var orders = services.Orders;
        var customer = orders.Peers.NewUser();
        var someoneElse = orders.Peers.NewUser();
        var product = orders.Peers.NewProduct(stock: 5);
        using var customerClient = orders.As(Caller.Customer(customer));
        using var otherClient = orders.As(Caller.Customer(someoneElse));
        var mine = await (await customerClient.PostAsync("/orders", ShopApi.OrderBody((product, 1)), Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await (await otherClient.PostAsync("/orders", ShopApi.OrderBody((product, 1)), Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var page = await customerClient.GetAsync<PageDto<OrderSummaryDto>>("/orders");

        Assert.Equal(mine.Id, Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task AServiceIdentityCannotActAsACustomer()
    {
        var customer = await services.Users.RegisterAsync();
        using var usersAsService = services.Users.As(Caller.Service());
        using var productsAsService = services.Products.As(Caller.Service());

        // It may read a user for an order, but not change one, and not manage products.
        Assert.Equal(customer.Id, (await usersAsService.GetAsync<UserDto>($"/users/{customer.Id}")).Id);
        var update = await usersAsService.PutAsJsonAsync($"/users/{customer.Id}", new { name = "Service", email = customer.Email, age = 1 }, Cancellation);
        await update.ReadProblemAsync(HttpStatusCode.Forbidden);
        var create = await productsAsService.PostAsJsonAsync("/products", new { sku = "SVC-1", name = "x", price = 1m, currency = "EUR", stock = 1 }, Cancellation);
        await create.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ACustomerCannotActAsAService()
    {
        var product = await services.Products.CreateProductAsync(stock: 5);
        using var customer = services.Products.As(Caller.Customer(12));

        var reserve = await customer.PostAsJsonAsync("/reservations",
            new { orderId = 1, lines = new[] { new { productId = product.Id, quantity = 5 } } }, Cancellation);

        await reserve.ReadProblemAsync(HttpStatusCode.Forbidden);
        using var admin = services.Products.As(Caller.Admin());
        Assert.Equal(5, (await admin.GetAsync<ProductDto>($"/products/{product.Id}")).Stock);
    }

    [Fact]
    public async Task ACustomerCannotManageProducts()
    {
        using var customer = services.Products.As(Caller.Customer(12));

        var create = await customer.PostAsJsonAsync("/products",
            new { sku = ShopApi.Unique("SKU"), name = "Free lunch", price = 0m, currency = "EUR", stock = 1 }, Cancellation);

        await create.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    private static string Forge(string audience, Needs caller, DateTime? expires = null)
    {
        var forge = TokenForge.InProcess;
        return caller switch
        {
            Needs.Admin => forge.Create(audience, "1", role: "Admin", expires: expires),
            Needs.Reservations => forge.Create(audience, ShopServices.Orders, scope: ShopScopes.Reservations, expires: expires),
            _ => forge.Create(audience, "1", role: "Customer", expires: expires)
        };
    }

    private async Task<HttpResponseMessage> SendAsync(string service, string method, string path, string? token)
    {
        using var client = service switch
        {
            ShopServices.Users => services.Users.As(Caller.Anonymous),
            ShopServices.Products => services.Products.As(Caller.Anonymous),
            _ => services.Orders.As(Caller.Anonymous)
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
