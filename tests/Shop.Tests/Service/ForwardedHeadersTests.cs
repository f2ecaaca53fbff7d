using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// The address the per-address limits count is the peer's, unless the peer is a proxy the service is told to trust
/// (<c>ForwardedHeaders:TrustedNetworks</c>): a client cannot take a fresh limit by inventing X-Forwarded-For values.
/// The sign-in limit per address stands for them all; it runs on a clock that only the test moves.
/// </summary>
public sealed class ForwardedHeadersTests
{
    private const int PerAddress = 5;
    private const string ProxyNetwork = "10.20.0.0/16";

    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Proxy = IPAddress.Parse("10.20.3.4");

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task InventedForwardedAddressesFromAnUntrustedPeerAllCountAsThePeer()
    {
        await using var users = Users(("ForwardedHeaders:TrustedNetworks:0", ProxyNetwork));

        var answers = await SignInAsync(users, from: Client, PerAddress + 1, attempt => $"198.51.100.{attempt + 1}");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, PerAddress), HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task WithNoTrustedProxiesConfiguredEvenALoopbackPeerIsNotBelieved()
    {
        await using var users = Users();

        var answers = await SignInAsync(users, from: IPAddress.Loopback, PerAddress + 1, attempt => $"198.51.100.{attempt + 1}");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, PerAddress), HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task BehindATrustedProxyEachForwardedClientHasItsOwnLimit()
    {
        await using var users = Users(("ForwardedHeaders:TrustedNetworks:0", ProxyNetwork));

        var distinct = await SignInAsync(users, from: Proxy, PerAddress + 1, attempt => $"198.51.100.{attempt + 1}");
        // One client behind the proxy meets its limit, whatever it puts before the proxy's own entry.
        var one = await SignInAsync(users, from: Proxy, PerAddress + 1, attempt => $"192.0.2.{attempt + 1}, 198.51.100.200");

        Assert.All(distinct, status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, PerAddress), HttpStatusCode.TooManyRequests], one);
    }

    [Theory]
    [InlineData("10.20.3.4", "max-age=31536000")]
    [InlineData("203.0.113.7", null)]
    public async Task InProductionHttpsThroughTheTrustedProxyIsAnsweredWithHsts(string peer, string? expected)
    {
        await using var users = new UsersServiceHost(settings: ("ForwardedHeaders:TrustedNetworks:0", ProxyNetwork)) { HostEnvironment = Environments.Production };
        using var client = ClientFrom(users, IPAddress.Parse(peer));
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/alive");
        // The ingress ended TLS and says so; from any other peer the header is not believed, and the answer is for HTTP.
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Headers.TryGetValues("Strict-Transport-Security", out var hsts) ? Assert.Single(hsts) : null);
    }

    [Theory]
    [InlineData("10.20.0.0/33")]
    [InlineData("10.20.3.4/16")]
    [InlineData("the ingress")]
    public async Task AMalformedTrustedNetworkStopsTheServiceAtStartSayingWhich(string network)
    {
        await using var users = Users(("ForwardedHeaders:TrustedNetworks:0", "192.0.2.0/24"), ("ForwardedHeaders:TrustedNetworks:1", network));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Task.Run(() => users.Server));

        Assert.Contains($"ForwardedHeaders:TrustedNetworks:1 is '{network}'", failure.ToString(), StringComparison.Ordinal);
    }

    private UsersServiceHost Users(params (string Key, string Value)[] settings) =>
        new(withCache: false, [("RateLimits:SignInsPerAddressPerMinute", PerAddress.ToString(CultureInfo.InvariantCulture)), .. settings])
        {
            Clock = _clock
        };

    /// <summary>
    /// Signs in <paramref name="attempts"/> times with a wrong password, each for another account, from the peer
    /// <paramref name="from"/> carrying the X-Forwarded-For of <paramref name="forwardedFor"/>, and answers the statuses.
    /// </summary>
    private static async Task<List<HttpStatusCode>> SignInAsync(UsersServiceHost users, IPAddress from, int attempts, Func<int, string> forwardedFor)
    {
        using var client = ClientFrom(users, from);
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, ShopIdentity.TokenPath)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "password",
                    ["username"] = $"nobody{Guid.NewGuid():N}@example.com",
                    ["password"] = "wrong"
                })
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor(attempt));
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            answers.Add(response.StatusCode);
        }

        return answers;
    }

    /// <summary>A client of the service whose requests come from the peer <paramref name="peer"/>.</summary>
    private static HttpClient ClientFrom(UsersServiceHost users, IPAddress peer) =>
        new(users.Server.CreateHandler(context => context.Connection.RemoteIpAddress = peer)) { BaseAddress = users.Server.BaseAddress };
}
