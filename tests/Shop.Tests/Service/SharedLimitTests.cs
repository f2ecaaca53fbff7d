using System.Net;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Two replicas of the users service, in this process, count sign-ins per address together through the cache they
/// share; while the cache is away, each counts alone to the same limit, so the limit holds per replica, never lifted.
/// Both run on one clock that only the test moves, so that every attempt falls in one window however slow the machine.
/// </summary>
[Collection(SharedLimitCollection.Name)]
public sealed class SharedLimitTests
{
    private const int PerAddress = 5;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task SignInsFromOneAddressAlternatingBetweenReplicasMeetTheLimitTogether()
    {
        using var cache = new InProcessCache();
        await using var first = Replica(cache);
        await using var second = Replica(cache);
        // Both reach the cache before counting starts: until a replica has connected, it would count alone.
        await Task.WhenAll(ConnectedAsync(first), ConnectedAsync(second));

        var answers = await SignInAlternatelyAsync(first, second, PerAddress + 1);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, PerAddress), HttpStatusCode.TooManyRequests], answers);
        var refused = await second.RequestTokenAsync("nobody@example.com", "wrong");
        await refused.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);

        _clock.Advance(refused.Headers.RetryAfter!.Delta!.Value + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.BadRequest, (await first.RequestTokenAsync("nobody@example.com", "wrong")).StatusCode);
    }

    [Fact]
    public async Task WithTheCacheAwayEachReplicaKeepsTheLimitAlone()
    {
        await using var first = Replica(cache: null);
        await using var second = Replica(cache: null);

        var answers = await SignInAlternatelyAsync(first, second, 2 * PerAddress);

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await first.RequestTokenAsync("nobody@example.com", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await second.RequestTokenAsync("nobody@example.com", "wrong")).StatusCode);

        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.BadRequest, (await first.RequestTokenAsync("nobody@example.com", "wrong")).StatusCode);
    }

    /// <summary>A users service with a low limit per address, on <paramref name="cache"/>, or unable to reach one.</summary>
    private UsersServiceHost Replica(InProcessCache? cache) =>
        new(withCache: false,
        [
            ("RateLimits:SignInsPerAddressPerMinute", PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            // Counting alone is what a replica does once a cache call has timed out, until its clock, which only the test
            // moves, says to try again: with a cache, a busy machine must not pass for a cache outage. Without one, every
            // call waits out this timeout while the client keeps trying to connect, so the host's own short one stays.
            .. cache is null ? [] : new[] { ("Cache:Timeout", "00:01:00") }
        ])
        {
            SharedCache = cache,
            Clock = _clock
        };

    /// <summary>Signs in <paramref name="attempts"/> times with a wrong password, at each replica in turn, and answers the statuses.</summary>
    private static async Task<List<HttpStatusCode>> SignInAlternatelyAsync(UsersServiceHost first, UsersServiceHost second, int attempts)
    {
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            answers.Add((await (attempt % 2 == 0 ? first : second).RequestTokenAsync($"nobody{attempt}@example.com", "wrong")).StatusCode);
        }

        return answers;
    }

    /// <summary>Waits until the replica reports itself Healthy, which it does once it has reached its cache.</summary>
    private static Task ConnectedAsync(UsersServiceHost replica) => Eventually.HoldsAsync(async () =>
    {
        using var client = replica.As(Caller.Anonymous);
        return await client.GetStringAsync("/health", TestContext.Current.CancellationToken) == "Healthy";
    }, "The replica did not reach its cache.");
}

/// <summary>
/// The shared limit runs alone, after the tests that run at once: beside the whole suite (the topology's processes
/// among them) a cache call of one replica has been seen to fail, after which that replica counts alone, as it should
/// while its cache is away; beside <c>stress-ng --cpu 2</c> alone it passes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedLimitCollection
{
    public const string Name = "Shared sign-in limit, alone";
}
