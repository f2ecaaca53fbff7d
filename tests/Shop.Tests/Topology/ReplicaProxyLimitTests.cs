using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// With replicas, the orchestrator's proxy passes connections on and adds no X-Forwarded-For: the services see every
/// client at the proxy's address, so a per-address limit is one limit for everyone behind it, which the AppHost sizes
/// for that (<c>Services:ProxiedAddressLimits</c>, lowered here to reach). Past the proxy, each client counts alone.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class ReplicaProxyLimitTests(ReplicaProxyFixture fixture) : IClassFixture<ReplicaProxyFixture>
{
    private const int Limit = ReplicaProxyFixture.WritesPerAddressPerMinute;

    [Fact]
    public async Task BehindTheProxyDistinctClientsShareOneAddressLimitWhichEachHasAloneAtAReplica()
    {
        var shop = await fixture.TopologyAsync();
        await shop.EveryReplicaHealthyAsync(ShopServices.Users);
        var replica = (await shop.ReplicasAsync(ShopServices.Users))[0];

        var seen = await LimitWindow.WithinOneMinuteAsync(async () =>
        {
            // One sign-in from each of Limit + 1 addresses, through the proxy; then from as many others, at one replica.
            var proxied = await SignInFromEachAsync(first: 2, Limit + 1, shop.AddressOf(ShopServices.Users));
            var direct = await SignInFromEachAsync(first: 2 + Limit + 1, Limit + 1, replica.Address);
            return (Proxied: proxied, Direct: direct);
        });

        // The proxy's address met its limit (the topology's own sign-ins through it may have counted first), though no
        // client sent more than one request.
        var refused = seen.Proxied.FindIndex(answer => answer.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.True(refused >= 0, $"{Limit + 1} clients behind the proxy were all answered: {string.Join(", ", seen.Proxied.Select(a => a.StatusCode))}.");
        Assert.All(seen.Proxied[..refused], answer => Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode));
        foreach (var answer in seen.Proxied[refused..])
        {
            await answer.ReadProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.NotNull(answer.Headers.RetryAfter?.Delta);
        }

        // At a replica itself, every client is its own address, and none is near its limit.
        Assert.All(seen.Direct, answer => Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode));
    }

    /// <summary>
    /// Signs in once, for an unknown account, from each of <paramref name="count"/> loopback addresses from 127.0.0.
    /// <paramref name="first"/> on, at <paramref name="address"/>; answers each answer.
    /// </summary>
    private static async Task<List<HttpResponseMessage>> SignInFromEachAsync(int first, int count, Uri address)
    {
        var answers = new List<HttpResponseMessage>();
        for (var client = first; client < first + count; client++)
        {
            using var from = ShopTopology.ClientFrom(IPAddress.Parse($"127.0.0.{client}"), address);
            answers.Add(await from.RequestTokenAsync($"nobody{Guid.NewGuid():N}@example.com", "wrong").WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }

        return answers;
    }
}
