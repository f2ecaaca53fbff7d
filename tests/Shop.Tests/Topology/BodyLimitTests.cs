using System.Net;
using System.Net.Http.Json;
using System.Text;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// A body over an endpoint's size limit is refused by the web server while it reads it, so only a real server shows
/// it: 413 problem that says the limit, and nothing stored.
/// </summary>
public sealed class BodyLimitTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Theory]
    [InlineData(ShopServices.Users, "/users", 4096)]
    [InlineData(ShopServices.Products, "/products", 4096)]
    [InlineData(ShopServices.Orders, "/orders", 16384)]
    public async Task ABodyOverTheEndpointsLimitGets413ProblemSayingTheLimitAndWritesNothing(string service, string path, int limit)
    {
        var customer = await Shop.CreateCustomerAsync();
        var name = ShopApi.Unique("OVERSIZED");
        var body = service switch
        {
            ShopServices.Users => $$"""{"name":"{{name}}{{new string('n', limit)}}","email":"{{name}}@example.com","age":30,"password":"long enough"}""",
            ShopServices.Products => $$"""{"sku":"{{name}}","name":"{{new string('c', limit)}}","price":2.5,"currency":"EUR","stock":5}""",
            _ => $$"""{"lines":[{"productId":1,"quantity":1}],"note":"{{new string('x', limit)}}"}"""
        };
        var session = service == ShopServices.Products ? Shop.As(Caller.Admin()) : service == ShopServices.Orders ? Shop.As(Caller.Customer(customer.Id)) : Shop.As(Caller.Anonymous);
        var client = service switch { ShopServices.Users => session.Users, ShopServices.Products => session.Products, _ => session.Orders };

        var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains(limit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString());
        // Nothing was stored: the email and the SKU are still free, and the customer has no order.
        var register = await Shop.As(Caller.Anonymous).Users.PostAsJsonAsync("/users",
            new { name = "Olga", email = $"{name}@example.com", age = 30, password = "long enough" }, TestContext.Current.CancellationToken);
        await register.ReadAsync<UserDto>(HttpStatusCode.Created);
        var create = await Shop.As(Caller.Admin()).Products.PostAsJsonAsync("/products",
            new { sku = name, name = "Cup", price = 2.5m, currency = "EUR", stock = 5 }, TestContext.Current.CancellationToken);
        await create.ReadAsync<ProductDto>(HttpStatusCode.Created);
        Assert.Equal(0, (await Shop.OrdersOfAsync(customer.Id)).TotalCount);
    }
}
