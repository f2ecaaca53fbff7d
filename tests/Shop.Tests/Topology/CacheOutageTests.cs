using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>The cache goes away or hangs. Every service answers from its own database, and no stale copy outlives the outage.</summary>
[Collection(OtherOutagesCollection.Name)]
public sealed class CacheOutageTests(IsolatedTopologyFixture fixture) : IsolatedTopologyTests(fixture)
{
    [Fact]
    public async Task WithTheCacheDownEveryServiceAnswersFromItsDatabaseAndReportsDegraded()
    {
        var user = await Shop.CreateCustomerAsync("Quinn");
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);

        await Shop.StopResourceAsync(ShopResources.Cache);
        try
        {
            Assert.Equal("Quinn", (await Shop.As(Caller.Customer(user.Id)).Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);
            var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            var update = await Shop.As(Caller.Customer(user.Id)).Users.PutAsJsonAsync($"/users/{user.Id}", new { name = "Quinn Ray", email = user.Email, age = user.Age }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            Assert.Equal("Quinn Ray", (await Shop.As(Caller.Customer(user.Id)).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);

            Assert.Equal("Degraded", await Shop.HealthOfAsync(ShopServices.Users));
            Assert.Equal("Degraded", await Shop.HealthOfAsync(ShopServices.Orders));
        }
        finally
        {
            await Shop.StartResourceAsync(ShopResources.Cache);
        }

        // The services reconnect by themselves: lookups fill the cache again.
        var cache = await Shop.CacheAsync();
        await Eventually.HoldsAsync(async () =>
        {
            await Shop.As(Caller.Customer(user.Id)).Users.GetAsync<UserDto>($"/users/{user.Id}");
            return await cache.KeyExistsAsync(UserCacheEntry.Key(user.Id));
        }, "The users service did not use the cache again.");
        await Shop.EveryReplicaHealthyAsync(ShopServices.Users, ShopServices.Orders);
    }

    [Fact]
    public async Task WithTheCacheHangingRequestsWaitForItOnceAndAMissedInvalidationReachesItLater()
    {
        var user = await Shop.CreateCustomerAsync("Rosa");
        var customer = Shop.As(Caller.Customer(user.Id));
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var order = await Shop.PlacedOrderAsync(user.Id, (product.Id, 1));
        var cache = await Shop.CacheAsync();
        // A lookup caches the user, unless the service is still going without the cache after a failure a moment ago
        // (Cache:RetryInterval), as after the cache outage of another test on this topology.
        await Eventually.HoldsAsync(async () =>
        {
            await customer.Users.GetAsync<UserDto>($"/users/{user.Id}");
            return await cache.KeyExistsAsync(UserCacheEntry.Key(user.Id));
        }, "The users service did not cache the user.");

        // The same reads with the cache answering: what the machine adds to a read, however busy it is.
        var usual = await SlowestReadAsync(customer, user, order.Id);
        await Shop.FreezeResourceAsync(ShopResources.Cache);
        TimeSpan slowest;
        try
        {
            slowest = await SlowestReadAsync(customer, user, order.Id);

            var update = await customer.Users.PutAsJsonAsync($"/users/{user.Id}", new { name = "Rosa Lind", email = user.Email, age = user.Age }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }
        finally
        {
            await Shop.ThawResourceAsync(ShopResources.Cache);
        }

        // An order and its user go through two services: each waits for the cache once, not at every cache call
        // (three calls in the users service alone), so reading them waits for two cache timeouts at most. Waiting at
        // every call would take four timeouts at the least, so that is the bound, beyond the slowest of the same reads
        // with the cache answering: it tells the two apart whatever the machine's speed, short of a busy machine adding
        // two whole timeouts to one read more than it added to the others.
        var bound = usual + 4 * IsolatedTopologyFixture.CacheTimeout;
        Assert.True(slowest < bound,
            $"Reading an order and its user took up to {slowest} with the cache hanging, and {usual} with it answering; expected under {bound}.");

        // The update's invalidation could not reach the cache; once it answers again, the old copy goes.
        await Eventually.HoldsAsync(async () => await cache.StringGetAsync(UserCacheEntry.Key(user.Id)) is var entry
            && (entry.IsNull || entry.ToString().Contains("Rosa Lind", StringComparison.Ordinal)),
            "The cache kept the user's old copy after the update.");
        Assert.Equal("Rosa Lind", (await customer.Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);
    }

    /// <summary>The slowest of ten reads of an order and of its user, each by the customer, each showing the user's name.</summary>
    private static async Task<TimeSpan> SlowestReadAsync(ShopSession customer, UserDto user, int orderId)
    {
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 10; i++)
        {
            var elapsed = Stopwatch.StartNew();
            Assert.Equal(user.Name, (await customer.Orders.GetAsync<OrderDto>($"/orders/{orderId}")).User?.Name);
            Assert.Equal(user.Name, (await customer.Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, elapsed.Elapsed.Ticks));
        }

        return slowest;
    }
}
