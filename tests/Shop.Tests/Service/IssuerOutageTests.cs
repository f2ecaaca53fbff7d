using System.Net;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// A service checks tokens with the keys the users service publishes. While it cannot get them, a valid token
/// cannot be checked: that is the users service being unavailable (503), never the caller's token being bad (401).
/// </summary>
public sealed class IssuerOutageTests : IAsyncLifetime
{
    private const int Customer = 3;

    private readonly OrdersServiceHost _orders = new();

    public ValueTask InitializeAsync()
    {
        _orders.Peers.AddUser(Customer);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _orders.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithTheUsersServiceAwayBeforeItsKeysAreKnownAValidTokenGets503NamingIt(bool hanging)
    {
        _orders.Peers.UsersDown = !hanging;
        _orders.Peers.UsersHanging = hanging;
        using var customer = _orders.As(Caller.Customer(Customer));

        var response = await customer.GetAsync("/orders", TestContext.Current.CancellationToken);

        var problem = await response.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(ShopServices.Users, problem.GetProperty("dependency").GetString());
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Equal(0, _orders.Peers.CallsTo("GET /users/{id}"));

        _orders.Peers.UsersDown = false;
        _orders.Peers.UsersHanging = false;
        await Eventually.HoldsAsync(async () => (await customer.GetAsync("/orders", TestContext.Current.CancellationToken)).StatusCode == HttpStatusCode.OK,
            "Tokens were not accepted again once the users service answered.");
    }

    [Fact]
    public async Task WithTheKeysKnownABadTokenStillGets401()
    {
        using var customer = _orders.As(Caller.Customer(Customer));
        Assert.Equal(HttpStatusCode.OK, (await customer.GetAsync("/orders", TestContext.Current.CancellationToken)).StatusCode);

        using var tampered = _orders.CreateClient();
        tampered.DefaultRequestHeaders.Authorization = new("Bearer", TokenForge.Tamper(TokenForge.InProcess.Create(ShopServices.Orders, "3", role: "Customer")));
        var response = await tampered.GetAsync("/orders", TestContext.Current.CancellationToken);

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
