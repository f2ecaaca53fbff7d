using System.Net;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Two replicas of the users service, in this process, count sign-ins per address together through the cache they
/// share; while the cache is away, each counts alone to the same limit, so the limit holds per replica, never lifted.
/// </summary>
public sealed class SharedLimitTests
{
    private const int PerAddress = 5;

    [Fact]
    public async Task SignInsFromOneAddressAlternatingBetweenReplicasMeetTheLimitTogether()
    {
        using var cache = new InProcessCache();
        await using var first = Replica(cache);
        await using var second = Replica(cache);
        // Both reach the cache before counting starts: until a replica has connected, it would count alone.
        await Task.WhenAll(ConnectedAsync(first), ConnectedAsync(second));
        await LimitWindow.StartWellInsideAsync();

        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt <= PerAddress; attempt++)
        {
            answers.Add((await (attempt % 2 == 0 ? first : second).RequestTokenAsync($"nobody{attempt}@example.com", "wrong")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, PerAddress), HttpStatusCode.TooManyRequests], answers);
        var refused = await second.RequestTokenAsync("nobody@example.com", "wrong");
        await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task WithTheCacheAwayEachReplicaKeepsTheLimitAlone()
    {
        await using var first = Replica(cache: null);
        await using var second = Replica(cache: null);
        // Both have started before counting starts: each counts in a window of its own from its first attempt, and a
        // replica starting slowly on a busy machine must not let the other's window run out meanwhile.
        await Task.WhenAll(StartedAsync(first), StartedAsync(second));

        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 2 * PerAddress; attempt++)
        {
            answers.Add((await (attempt % 2 == 0 ? first : second).RequestTokenAsync($"nobody{attempt}@example.com", "wrong")).StatusCode);
        }

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.RequestTokenAsync("nobody@example.com", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await second.RequestTokenAsync("nobody@example.com", "wrong")).StatusCode);
    }

    /// <summary>A users service with a low limit per address, on <paramref name="cache"/>, or unable to reach one.</summary>
    private static UsersServiceHost Replica(InProcessCache? cache) =>
        new(withCache: false, ("RateLimits:SignInsPerAddressPerMinute", PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture))) { SharedCache = cache };

    /// <summary>Waits until the replica answers at all, which it does once it has started.</summary>
    private static async Task StartedAsync(UsersServiceHost replica)
    {
        using var client = replica.As(Caller.Anonymous);
        Assert.Equal("Healthy", await client.GetStringAsync("/alive", TestContext.Current.CancellationToken));
    }

    /// <summary>Waits until the replica reports itself Healthy, which it does once it has reached its cache.</summary>
    private static Task ConnectedAsync(UsersServiceHost replica) => Eventually.HoldsAsync(async () =>
    {
        using var client = replica.As(Caller.Anonymous);
        return await client.GetStringAsync("/health", TestContext.Current.CancellationToken) == "Healthy";
    }, "The replica did not reach its cache.");
}
