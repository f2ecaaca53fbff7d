using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>The users service's own meter (Shop.Users) moves on failed and held-back sign-ins and on user cache lookups.</summary>
public sealed class UserMetricsTests(UserMetricsTests.Service service) : IClassFixture<UserMetricsTests.Service>
{
    /// <summary>A users service of this class's own, with a cache.</summary>
    public sealed class Service : IAsyncDisposable
    {
        public UsersServiceHost Users { get; } = new(withCache: true);

        public ValueTask DisposeAsync() => Users.DisposeAsync();
    }

    private const string Password = "a password to remember";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWrongPasswordCountsAsAFailedSignIn()
    {
        var users = service.Users;
        var email = await RegisterAsync(users);
        using var failed = Collect(users, "shop.sign_ins.failed");

        Assert.Equal(HttpStatusCode.BadRequest, (await users.RequestTokenAsync(email, "not the password")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await users.RequestTokenAsync("nobody@example.com", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await users.RequestTokenAsync(email, Password)).StatusCode);

        Assert.Equal(2, failed.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    /// <summary>On a clock that only the test moves, so that all three sign-ins fall in one window however slow the machine.</summary>
    [Theory]
    [InlineData("account-address", "RateLimits:SignInFailuresPerAccountAndAddress", "not the password", HttpStatusCode.BadRequest)]
    [InlineData("address", "RateLimits:SignInsPerAddressPerMinute", Password, HttpStatusCode.OK)]
    public async Task ASignInHeldBackByALimitCountsAsRateLimited(string limit, string setting, string password, HttpStatusCode answered)
    {
        await using var users = new UsersServiceHost(withCache: false, (setting, "2")) { Clock = new FakeTimeProvider(DateTimeOffset.UtcNow) };
        var email = await RegisterAsync(users);
        using var rateLimited = Collect(users, "shop.sign_ins.rate_limited");

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            statuses.Add((await users.RequestTokenAsync(email, password)).StatusCode);
        }

        Assert.Equal([answered, answered, HttpStatusCode.TooManyRequests], statuses);
        var measurement = Assert.Single(rateLimited.GetMeasurementSnapshot());
        Assert.Equal((1, limit), (measurement.Value, measurement.Tags["limit"]));
    }

    [Fact]
    public async Task LookingAUserUpCountsAMissThenAHit()
    {
        var users = service.Users;
        var email = await RegisterAsync(users);
        var id = await IdOfAsync(users, email);
        using var lookups = Collect(users, "shop.user_cache.lookups");
        using var orders = users.As(Caller.Service(ShopScopes.UsersRead));

        await orders.GetAsync<UserDto>($"/users/{id}");
        await orders.GetAsync<UserDto>($"/users/{id}");

        Assert.Equal(["miss", "hit"], lookups.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));
    }

    private static async Task<string> RegisterAsync(UsersServiceHost users)
    {
        using var anonymous = users.As(Caller.Anonymous);
        return (await anonymous.RegisterAsync("Wanda", 33, Password)).Email;
    }

    private static async Task<int> IdOfAsync(UsersServiceHost users, string email)
    {
        using var admin = users.As(Caller.Admin());
        var page = await admin.GetAsync<PageDto<UserDto>>("/users?pageSize=100");
        return page.Items.Single(u => u.Email == email).Id;
    }

    private static MetricCollector<long> Collect(UsersServiceHost users, string instrument) =>
        new(users.Services.GetRequiredService<IMeterFactory>(), "Shop.Users", instrument);
}
