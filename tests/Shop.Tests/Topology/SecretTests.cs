using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>What the services write to their consoles never holds a password or a token.</summary>
public sealed class SecretTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Fact]
    public async Task PasswordsAndTokensNeverAppearInTheLogs()
    {
        var password = $"secret-{Guid.NewGuid():N}";
        var user = await Shop.CreateCustomerAsync("Mona", password: password);
        var token = Shop.As(Caller.Customer(user.Id)).AccessToken!;
        var product = await Shop.CreateProductAsAdminAsync(stock: 3);
        await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await Shop.RequestTokenAsync(user.Email, password + "-wrong");

        // Logs reach the collector asynchronously, service by service. A failed request of a path no one else asks
        // for leaves a line in each service's log after all that came before it.
        var marker = Random.Shared.Next(500_000_000, int.MaxValue);
        var customer = Shop.As(Caller.Customer(user.Id));
        await customer.Users.GetAsync($"/users/{marker}", TestContext.Current.CancellationToken);
        await customer.Products.GetAsync($"/products/{marker}", TestContext.Current.CancellationToken);
        await customer.Orders.GetAsync($"/orders/{marker}", TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(() => Task.FromResult(
                Shop.ServiceLogText.Contains($"GET /users/{marker} answered 404", StringComparison.Ordinal)
                && Shop.ServiceLogText.Contains($"GET /products/{marker} answered 404", StringComparison.Ordinal)
                && Shop.ServiceLogText.Contains($"GET /orders/{marker} answered 404", StringComparison.Ordinal)),
            "The services' logs of this test's requests never arrived.");
        var logs = Shop.ServiceLogText;

        Assert.DoesNotContain(password, logs);
        Assert.DoesNotContain(token, logs);
        Assert.DoesNotContain(token.Split('.')[2], logs);
        Assert.DoesNotContain(Shop.As(Caller.Admin()).AccessToken!.Split('.')[2], logs);
    }
}
