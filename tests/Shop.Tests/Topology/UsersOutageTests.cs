using System.Net;
using System.Text.Json;
using StackExchange.Redis;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>The users service goes away and comes back. The shop keeps answering, and says what it could not do.</summary>
[Collection(UsersOutageCollection.Name)]
public sealed class UsersOutageTests(IsolatedTopologyFixture fixture) : IsolatedTopologyTests(fixture)
{
    [Fact]
    public async Task WithUsersDownOrdersStillReadAndSayWhenTheUserIsUnknown()
    {
        var cached = await Shop.CreateCustomerAsync("Nora");
        var uncached = await Shop.CreateCustomerAsync("Otto");
        var newcomer = await Shop.CreateCustomerAsync("Pia");
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var cachedOrder = await Shop.PlacedOrderAsync(cached.Id, (product.Id, 1));
        var uncachedOrder = await Shop.PlacedOrderAsync(uncached.Id, (product.Id, 1));
        var cache = await Shop.CacheAsync();
        await Shop.As(Caller.Admin()).Users.GetAsync<UserDto>($"/users/{cached.Id}");
        await cache.KeyDeleteAsync([UserCacheEntry.Key(uncached.Id), UserCacheEntry.Key(newcomer.Id)]);

        await Shop.StopResourceAsync(ShopServices.Users);
        try
        {
            var withUser = await Shop.As(Caller.Customer(cached.Id)).Orders.GetAsync<OrderDto>($"/orders/{cachedOrder.Id}");
            Assert.Equal(("Found", "Nora"), (withUser.UserStatus, withUser.User?.Name));

            var withoutUser = await Shop.As(Caller.Customer(uncached.Id)).Orders.GetAsync<OrderDto>($"/orders/{uncachedOrder.Id}");
            Assert.Equal(("Unavailable", null), (withoutUser.UserStatus, withoutUser.User));
            Assert.Equal(uncachedOrder.Lines, withoutUser.Lines);

            var placing = await Shop.PlaceOrderAsync(newcomer.Id, (product.Id, 1));
            var problem = await placing.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(ShopServices.Users, problem.GetProperty("dependency").GetString());
            Assert.NotNull(placing.Headers.RetryAfter);
        }
        finally
        {
            await Shop.StartResourceAsync(ShopServices.Users);
        }

        Assert.Equal(0, (await Shop.OrdersOfAsync(newcomer.Id)).TotalCount);
        Assert.Equal(8, await Shop.StockAsync(product.Id));

        // Once the users service is back (and the caller's circuit breaker lets calls through again), orders show their user.
        await Eventually.HoldsAsync(async () =>
            (await Shop.As(Caller.Customer(uncached.Id)).Orders.GetAsync<OrderDto>($"/orders/{uncachedOrder.Id}")).UserStatus == "Found",
            "Orders did not show their user again after the users service came back.");
        await (await Shop.PlaceOrderAsync(newcomer.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task RepeatedFailuresOpenTheCircuitAndCallersAreToldWhenToComeBack()
    {
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        // A first order, so that the orders service holds its own token and later calls go straight to the user lookup.
        var regular = await Shop.CreateCustomerAsync("Regular");
        await Shop.PlacedOrderAsync(regular.Id, (product.Id, 1));
        var newcomers = new List<UserDto>();
        for (var i = 0; i < 8; i++)
        {
            newcomers.Add(await Shop.CreateCustomerAsync($"Newcomer {i}"));
        }

        var cache = await Shop.CacheAsync();
        await cache.KeyDeleteAsync([.. newcomers.Select(user => (RedisKey)UserCacheEntry.Key(user.Id))]);

        await Shop.StopResourceAsync(ShopServices.Users);
        var problems = new List<JsonElement>();
        try
        {
            // Each placement must look its customer up in the users service, which is away.
            foreach (var newcomer in newcomers)
            {
                var placing = await Shop.PlaceOrderAsync(newcomer.Id, (product.Id, 1));
                problems.Add(await placing.ReadProblemAsync(HttpStatusCode.ServiceUnavailable));
                Assert.NotNull(placing.Headers.RetryAfter?.Delta);
            }
        }
        finally
        {
            await Shop.StartResourceAsync(ShopServices.Users);
        }

        Assert.All(problems, problem => Assert.Equal(ShopServices.Users, problem.GetProperty("dependency").GetString()));
        // Once enough calls have failed (how many depends on the successes still in the breaker's window), the
        // circuit opens, and from then on every placement is refused at once, without calling the users service.
        var opened = problems.FindIndex(problem => problem.TryGetProperty("circuit", out var circuit) && circuit.GetString() == "open");
        Assert.InRange(opened, 0, problems.Count - 2);
        Assert.All(problems[opened..], problem => Assert.Equal("open", problem.GetProperty("circuit").GetString()));
        Assert.Equal(9, await Shop.StockAsync(product.Id));

        await Eventually.HoldsAsync(async () =>
            (await Shop.PlaceOrderAsync(newcomers[0].Id, (product.Id, 1))).StatusCode == HttpStatusCode.Created,
            "Placing orders did not work again after the users service came back.");
    }

}
