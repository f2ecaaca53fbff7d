using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Tests.Infrastructure;

/// <summary>The calls and checks that the tests share. Each call says who makes it.</summary>
public static class ShopApi
{
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)].ToUpperInvariant();

    /// <summary>Registers a customer at the users service's <paramref name="users"/> client, as anyone may, on a fresh email.</summary>
    public static async Task<UserDto> RegisterAsync(this HttpClient users, string name, int age, string password)
    {
        var response = await users.PostAsJsonAsync("/users",
            new { name, email = $"{Guid.NewGuid():N}@example.com", age, password }, TestContext.Current.CancellationToken);
        return await response.ReadAsync<UserDto>(HttpStatusCode.Created);
    }

    /// <summary>Asks the users service's <paramref name="users"/> client for a token with the password grant; the response is the caller's to check.</summary>
    public static Task<HttpResponseMessage> RequestTokenAsync(this HttpClient users, string email, string password) =>
        users.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = password
        }), TestContext.Current.CancellationToken);

    /// <summary>Asks for a token as the orders service does, with client credentials; the response is the caller's to check.</summary>
    public static Task<HttpResponseMessage> RequestServiceTokenAsync(this HttpClient users, string secret, params string[] scopes) =>
        users.PostAsync(ShopIdentity.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = ShopServices.Orders,
            ["client_secret"] = secret,
            ["scope"] = string.Join(' ', scopes)
        }), TestContext.Current.CancellationToken);

    /// <summary>Creates a product with the products service's <paramref name="products"/> client, which must carry an admin's token.</summary>
    public static async Task<ProductDto> CreateProductAsync(this HttpClient products, string name, decimal price, string currency, int stock)
    {
        var response = await products.PostAsJsonAsync("/products",
            new { sku = Unique("SKU"), name, price, currency, stock }, TestContext.Current.CancellationToken);
        return await response.ReadAsync<ProductDto>(HttpStatusCode.Created);
    }

    /// <summary>Holds stock for <paramref name="orderId"/> with the products service's <paramref name="products"/> client, as the orders service does.</summary>
    public static Task<HttpResponseMessage> ReserveAsync(this HttpClient products, int orderId, params (int ProductId, int Quantity)[] lines) =>
        products.PostAsJsonAsync("/reservations",
            new { orderId, lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) }, TestContext.Current.CancellationToken);

    /// <summary>Registers a customer and signs them in; <c>shop.As(Caller.Customer(id))</c> then has their clients.</summary>
    public static async Task<UserDto> CreateCustomerAsync(this ShopTopology shop, string name = "Dana", int age = 41, string? password = null)
    {
        password ??= Guid.NewGuid().ToString("N");
        var user = await shop.As(Caller.Anonymous).Users.RegisterAsync(name, age, password);
        shop.Remember(user.Id, shop.SessionWith(await shop.SignInAsync(user.Email, password)));
        return user;
    }

    /// <summary>Creates a product as the admin, the only one who may.</summary>
    public static Task<ProductDto> CreateProductAsAdminAsync(
        this ShopTopology shop, string name = "Notebook", decimal price = 4.25m, string currency = "EUR", int stock = 10) =>
        shop.As(Caller.Admin()).Products.CreateProductAsync(name, price, currency, stock);

    /// <summary>Places an order as the customer <paramref name="customerId"/>, with <paramref name="idempotencyKey"/> when given.</summary>
    public static Task<HttpResponseMessage> PlaceOrderAsync(
        this ShopTopology shop, int customerId, string? idempotencyKey, params (int ProductId, int Quantity)[] lines) =>
        shop.As(Caller.Customer(customerId)).Orders.PlaceOrderAsync(idempotencyKey, lines);

    /// <summary>Places an order with the orders service's <paramref name="client"/>, with <paramref name="idempotencyKey"/> when given.</summary>
    public static async Task<HttpResponseMessage> PlaceOrderAsync(
        this HttpClient client, string? idempotencyKey, params (int ProductId, int Quantity)[] lines)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = OrderBody(lines) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static Task<HttpResponseMessage> PlaceOrderAsync(this ShopTopology shop, int customerId, params (int ProductId, int Quantity)[] lines) =>
        shop.PlaceOrderAsync(customerId, null, lines);

    /// <summary>
    /// Places an order as a client should: one Idempotency-Key, sent again after a 503 (services just started on a busy
    /// machine may answer so), until the order is placed; for the tests whose subject comes after the order.
    /// </summary>
    public static Task<OrderDto> PlacedOrderAsync(this ShopTopology shop, int customerId, params (int ProductId, int Quantity)[] lines)
    {
        var key = Guid.NewGuid().ToString("N");
        return Eventually.ReturnsAsync(async () =>
        {
            var response = await shop.PlaceOrderAsync(customerId, key, lines);
            return response.StatusCode == HttpStatusCode.ServiceUnavailable ? null : await response.ReadAsync<OrderDto>(HttpStatusCode.Created);
        }, "The order was not placed.");
    }

    /// <summary>The body of <c>POST /orders</c> for <paramref name="lines"/>.</summary>
    public static JsonContent OrderBody(params (int ProductId, int Quantity)[] lines) =>
        JsonContent.Create(new { lines = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }) });

    /// <summary>A product's stock, as the admin reads it.</summary>
    public static async Task<int> StockAsync(this ShopTopology shop, int productId) =>
        (await shop.As(Caller.Admin()).Products.GetAsync<ProductDto>($"/products/{productId}")).Stock;

    /// <summary>
    /// Waits until a product's stock is <paramref name="expected"/>, as it is once the events in flight are handled (a
    /// cancelled order's stock comes back when the products service handles its event), then asserts that it stays
    /// there while a second handling of any of them would have changed it.
    /// </summary>
    public static async Task StockSettlesAtAsync(this ShopTopology shop, int productId, int expected)
    {
        await Eventually.HoldsAsync(async () => await shop.StockAsync(productId) == expected, $"the stock of product {productId} comes to {expected}");
        await Eventually.HoldsThroughoutAsync(async () => await shop.StockAsync(productId) == expected,
            $"the stock of product {productId} stays at {expected}: no event is handled twice", TimeSpan.FromSeconds(3));
    }

    /// <summary>A customer's orders, as the admin lists them.</summary>
    public static async Task<PageDto<OrderSummaryDto>> OrdersOfAsync(this ShopTopology shop, int userId) =>
        await shop.As(Caller.Admin()).Orders.GetAsync<PageDto<OrderSummaryDto>>($"/orders?userId={userId}&pageSize=100");

    /// <summary>Every order of a customer, page after page, as the admin lists them.</summary>
    public static async Task<IReadOnlyList<OrderSummaryDto>> OrdersOfAllPagesAsync(this ShopTopology shop, int userId)
    {
        var admin = shop.As(Caller.Admin());
        var orders = new List<OrderSummaryDto>();
        for (var pageIndex = 0; ; pageIndex++)
        {
            var page = await admin.Orders.GetAsync<PageDto<OrderSummaryDto>>($"/orders?userId={userId}&pageSize=100&pageIndex={pageIndex}");
            orders.AddRange(page.Items);
            if (orders.Count >= page.TotalCount || page.Items.Count == 0)
            {
                return orders;
            }
        }
    }

    public static async Task<T> GetAsync<T>(this HttpClient client, string uri) =>
        await (await client.GetAsync(uri, TestContext.Current.CancellationToken)).ReadAsync<T>(HttpStatusCode.OK);

    /// <summary>Asserts the status, then reads the body.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"The body was empty: {body}");
    }

    /// <summary>Asserts an RFC 9457 problem response with the status and a traceId, and returns its body.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await response.ReadAsync<JsonElement>(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }
}
