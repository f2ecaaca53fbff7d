using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;
using StackExchange.Redis;

namespace Shop.Tests.Topology;

/// <summary>
/// Each cache host that this machine can run as a process gives the services the same cache. The shared topology runs
/// on the tests' own host (<see cref="ShopTopology.LocalCacheHost"/>); each other host gets a topology of its own.
/// </summary>
public sealed class CacheHostTests(SharedTopologyFixture shared)
{
    public static TheoryData<string, string> HostsOnThisMachine()
    {
        // Garnet comes from NuGet, so it is always available; redis-server only where it is installed.
        var hosts = new TheoryData<string, string> { { "garnet", "garnet_version" } };
        if (ShopTopology.LocalCacheHost == "redis-server")
        {
            hosts.Add("redis-server", "redis_version");
        }

        return hosts;
    }

    [Theory]
    [MemberData(nameof(HostsOnThisMachine))]
    public async Task EveryHostRunsTheSameCacheBehaviour(string host, string serverInfoField)
    {
        var sharedRunsOnIt = host == ShopTopology.LocalCacheHost;
        await using var own = sharedRunsOnIt ? null : await ShopTopology.StartAsync(host);
        var shop = own ?? await shared.TopologyAsync();
        var cache = await shop.CacheAsync();
        Assert.Contains(serverInfoField, (await cache.ExecuteAsync("INFO", "server")).ToString());

        var outcome = await RunScenarioAsync(shop);
        await AssertNoSecretIsShownAsync(shop);

        Assert.Equal(new ScenarioOutcome(
            CachedAfterLookup: true,
            NameInOrderBeforeUpdate: "Judy",
            CachedAfterUpdate: false,
            NameInOrderAfterUpdate: "Judy Moss",
            OrderTotal: 9.00m), outcome);
    }

    [Fact]
    public async Task AnUnknownCacheHostSettingIsRefusedAtStartup()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await ShopTopology.StartAsync("memcached"));

        Assert.Contains("Cache:Host", exception.Message);
    }

    /// <summary>No process's command line (the database server's included), which every local user can read, and no console log holds a secret.</summary>
    private static async Task AssertNoSecretIsShownAsync(ShopTopology shop)
    {
        var secrets = await shop.SecretsAsync();
        var commandLines = new List<string>();
        foreach (var resource in TopologyLauncher.Resources(shop.Provider, [$"Events:Host={ShopTopology.DefaultEventsHost}"]))
        {
            var lines = await shop.CommandLinesOfAsync(resource);
            Assert.NotEmpty(lines);
            commandLines.AddRange(lines);
        }

        // The cache server's own process is among them.
        Assert.Contains(commandLines, line => line.Contains("GarnetServer", StringComparison.Ordinal) || line.StartsWith("redis-server", StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.All(commandLines, line => Assert.DoesNotContain(secret, line, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, shop.ServiceLogText, StringComparison.Ordinal);
        }
    }

    /// <summary>What a service logs when a cache call fails or times out, and when the cache answers again (<c>OptionalCache</c>).</summary>
    private const string CacheWentAway = "The cache did not answer (";
    private const string CacheCameBack = "The cache answers again;";

    private static async Task<ScenarioOutcome> RunScenarioAsync(ShopTopology shop)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var cache = await shop.CacheAsync();
        var logBefore = shop.ServiceLogText;
        var user = await shop.CreateCustomerAsync("Judy");
        var product = await shop.CreateProductAsAdminAsync(price: 3m);
        var order = await (await shop.PlaceOrderAsync(user.Id, (product.Id, 3))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var before = await shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");
        var cachedAfterLookup = await IsCachedAsync(cache, user.Id);
        if (!cachedAfterLookup && WentWithoutTheCache(logBefore, shop.ServiceLogText[logBefore.Length..]))
        {
            // A cache call that timed out on a busy machine makes a service go without the cache for Cache:RetryInterval
            // (5 s), as documented; once that has passed, a lookup caches the user.
            await Eventually.HoldsAsync(async () =>
            {
                await shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");
                return await IsCachedAsync(cache, user.Id);
            }, "No lookup cached the user once the cache answered again.", within: TimeSpan.FromSeconds(20));
            cachedAfterLookup = true;
        }

        var update = await shop.As(Caller.Admin()).Users.PutAsJsonAsync($"/users/{user.Id}", new { name = "Judy Moss", email = user.Email, age = user.Age }, cancellation);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var cachedAfterUpdate = await IsCachedAsync(cache, user.Id);
        var after = await shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");

        return new ScenarioOutcome(cachedAfterLookup, before.User?.Name, cachedAfterUpdate, after.User?.Name, after.Total);
    }

    /// <summary>
    /// Whether a service went without the cache during the scenario: it said so then, or it had said so before without
    /// saying since that the cache answers again.
    /// </summary>
    private static bool WentWithoutTheCache(string logBefore, string logDuring) =>
        logDuring.Contains(CacheWentAway, StringComparison.Ordinal)
        || logBefore.LastIndexOf(CacheWentAway, StringComparison.Ordinal) > logBefore.LastIndexOf(CacheCameBack, StringComparison.Ordinal);

    /// <summary>
    /// Whether the user's entry is in the cache, as the test's own client reads it. That client cancels a read in flight
    /// when it takes its connection for dead and reconnects, as it once did on a busy machine; the read is then made again.
    /// </summary>
    private static async Task<bool> IsCachedAsync(IDatabase cache, int userId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await cache.KeyExistsAsync(UserCacheEntry.Key(userId));
            }
            catch (Exception exception) when (attempt < 3 && exception is TaskCanceledException or RedisConnectionException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            }
        }
    }

    private sealed record ScenarioOutcome(
        bool CachedAfterLookup, string? NameInOrderBeforeUpdate, bool CachedAfterUpdate, string? NameInOrderAfterUpdate, decimal OrderTotal);
}
