using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>Dependencies go away and come back; crashes happen. The shop keeps answering, and says what it could not do.</summary>
[Collection(OwnTopologyCollection.Name)]
public sealed class FaultToleranceTests(FaultTopologyFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithUsersDownOrdersStillReadAndSayWhenTheUserIsUnknown()
    {
        var cached = await Shop.CreateUserAsync("Nora");
        var uncached = await Shop.CreateUserAsync("Otto");
        var newcomer = await Shop.CreateUserAsync("Pia");
        var product = await Shop.CreateProductAsync(stock: 10);
        var cachedOrder = await (await Shop.PlaceOrderAsync(cached.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var uncachedOrder = await (await Shop.PlaceOrderAsync(uncached.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var cache = await Shop.CacheAsync();
        await Shop.Users.GetAsync<UserDto>($"/users/{cached.Id}");
        await cache.KeyDeleteAsync([$"users:{uncached.Id}", $"users:{newcomer.Id}"]);

        await Shop.StopResourceAsync(ResourceNames.Users);
        try
        {
            var withUser = await Shop.SessionOf(cached.Id).Orders.GetAsync<OrderDto>($"/orders/{cachedOrder.Id}");
            Assert.Equal(("Found", "Nora"), (withUser.UserStatus, withUser.User?.Name));

            var withoutUser = await Shop.SessionOf(uncached.Id).Orders.GetAsync<OrderDto>($"/orders/{uncachedOrder.Id}");
            Assert.Equal(("Unavailable", null), (withoutUser.UserStatus, withoutUser.User));
            Assert.Equal(uncachedOrder.Lines, withoutUser.Lines);

            var placing = await Shop.PlaceOrderAsync(newcomer.Id, (product.Id, 1));
            var problem = await placing.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("users", problem.GetProperty("dependency").GetString());
            Assert.NotNull(placing.Headers.RetryAfter);
        }
        finally
        {
            await Shop.StartResourceAsync(ResourceNames.Users);
        }

        Assert.Equal(0, (await Shop.OrdersOfAsync(newcomer.Id)).TotalCount);
        Assert.Equal(8, await Shop.StockAsync(product.Id));

        // Once the users service is back (and the caller's circuit breaker lets calls through again), orders show their user.
        await ShopApi.EventuallyAsync(async () =>
            (await Shop.SessionOf(uncached.Id).Orders.GetAsync<OrderDto>($"/orders/{uncachedOrder.Id}")).UserStatus == "Found",
            "Orders did not show their user again after the users service came back.");
        await (await Shop.PlaceOrderAsync(newcomer.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task WithUsersHangingPlacingAnOrderAnswers503InsteadOfHanging()
    {
        var user = await Shop.CreateUserAsync("Sam");
        var product = await Shop.CreateProductAsync(stock: 10);
        var cache = await Shop.CacheAsync();
        await cache.KeyDeleteAsync($"users:{user.Id}");

        // The users service accepts connections but never answers: every call to it ends at its timeouts.
        await Shop.FreezeResourceAsync(ResourceNames.Users);
        HttpResponseMessage placing;
        try
        {
            placing = await Shop.PlaceOrderAsync(user.Id, (product.Id, 1));
        }
        finally
        {
            await Shop.ThawResourceAsync(ResourceNames.Users);
        }

        var problem = await placing.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("users", problem.GetProperty("dependency").GetString());
        Assert.NotNull(placing.Headers.RetryAfter);
        Assert.Equal(0, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
        Assert.Equal(10, await Shop.StockAsync(product.Id));

        await ShopApi.EventuallyAsync(async () =>
            (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).StatusCode == HttpStatusCode.Created,
            "Placing orders did not work again after the users service answered again.");
    }

    [Fact]
    public async Task RepeatedFailuresOpenTheCircuitAndCallersAreToldWhenToComeBack()
    {
        var product = await Shop.CreateProductAsync(stock: 10);
        // A first order, so that the orders service holds its own token and later calls go straight to the user lookup.
        var regular = await Shop.CreateUserAsync("Regular");
        await (await Shop.PlaceOrderAsync(regular.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var newcomers = new List<UserDto>();
        for (var i = 0; i < 8; i++)
        {
            newcomers.Add(await Shop.CreateUserAsync($"Newcomer {i}"));
        }

        var cache = await Shop.CacheAsync();
        await cache.KeyDeleteAsync([.. newcomers.Select(user => (RedisKey)$"users:{user.Id}")]);

        await Shop.StopResourceAsync(ResourceNames.Users);
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
            await Shop.StartResourceAsync(ResourceNames.Users);
        }

        Assert.All(problems, problem => Assert.Equal("users", problem.GetProperty("dependency").GetString()));
        // Once enough calls have failed (how many depends on the successes still in the breaker's window), the
        // circuit opens, and from then on every placement is refused at once, without calling the users service.
        var opened = problems.FindIndex(problem => problem.TryGetProperty("circuit", out var circuit) && circuit.GetString() == "open");
        Assert.InRange(opened, 0, problems.Count - 2);
        Assert.All(problems[opened..], problem => Assert.Equal("open", problem.GetProperty("circuit").GetString()));
        Assert.Equal(9, await Shop.StockAsync(product.Id));

        await ShopApi.EventuallyAsync(async () =>
            (await Shop.PlaceOrderAsync(newcomers[0].Id, (product.Id, 1))).StatusCode == HttpStatusCode.Created,
            "Placing orders did not work again after the users service came back.");
    }

    [Fact]
    public async Task WithTheCacheDownEveryServiceAnswersFromItsDatabaseAndReportsDegraded()
    {
        var user = await Shop.CreateUserAsync("Quinn");
        var product = await Shop.CreateProductAsync(stock: 10);

        await Shop.StopResourceAsync(ResourceNames.Cache);
        try
        {
            Assert.Equal("Quinn", (await Shop.SessionOf(user.Id).Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);
            var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            var update = await Shop.SessionOf(user.Id).Users.PutAsJsonAsync($"/users/{user.Id}", new { name = "Quinn Ray", email = user.Email, age = user.Age }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            Assert.Equal("Quinn Ray", (await Shop.SessionOf(user.Id).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);

            Assert.Equal("Degraded", await Shop.HealthOfAsync(ResourceNames.Users));
            Assert.Equal("Degraded", await Shop.HealthOfAsync(ResourceNames.Orders));
        }
        finally
        {
            await Shop.StartResourceAsync(ResourceNames.Cache);
        }

        // The services reconnect by themselves: lookups fill the cache again.
        var cache = await Shop.CacheAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await cache.KeyExistsAsync($"users:{user.Id}") && DateTime.UtcNow < deadline)
        {
            await Shop.Users.GetAsync<UserDto>($"/users/{user.Id}");
            await Task.Delay(500, Cancellation);
        }

        Assert.True(await cache.KeyExistsAsync($"users:{user.Id}"), "The users service did not use the cache again.");
        Assert.Equal("Healthy", await Shop.HealthOfAsync(ResourceNames.Users));
    }

    [Fact]
    public async Task WithTheCacheHangingRequestsWaitForItOnceAndAMissedInvalidationReachesItLater()
    {
        var user = await Shop.CreateUserAsync("Rosa");
        var customer = Shop.SessionOf(user.Id);
        var product = await Shop.CreateProductAsync(stock: 10);
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await customer.Users.GetAsync<UserDto>($"/users/{user.Id}");
        var cache = await Shop.CacheAsync();
        Assert.True(await cache.KeyExistsAsync($"users:{user.Id}"));

        await Shop.FreezeResourceAsync(ResourceNames.Cache);
        var slowest = TimeSpan.Zero;
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var elapsed = Stopwatch.StartNew();
                Assert.Equal("Rosa", (await customer.Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);
                Assert.Equal("Rosa", (await customer.Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);
                slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, elapsed.Elapsed.Ticks));
            }

            var update = await customer.Users.PutAsJsonAsync($"/users/{user.Id}", new { name = "Rosa Lind", email = user.Email, age = user.Age }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        }
        finally
        {
            await Shop.ThawResourceAsync(ResourceNames.Cache);
        }

        // An order and its user go through two services: each waits for the cache once, not at every cache call
        // (three calls in the users service alone), so reading them waits for two cache timeouts at most.
        var bound = 2 * FaultTopologyFixture.CacheTimeout + TimeSpan.FromSeconds(1.5);
        Assert.True(slowest < bound, $"Reading an order and its user took up to {slowest} with the cache hanging; expected under {bound}.");

        // The update's invalidation could not reach the cache; once it answers again, the old copy goes.
        await ShopApi.EventuallyAsync(async () => await cache.StringGetAsync($"users:{user.Id}") is var entry
            && (entry.IsNull || entry.ToString().Contains("Rosa Lind", StringComparison.Ordinal)),
            "The cache kept the user's old copy after the update.");
        Assert.Equal("Rosa Lind", (await customer.Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);
    }

    [Fact]
    public async Task AnAcknowledgedOrderSurvivesTheOrdersServiceBeingKilled()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 3))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        await Shop.KillResourceAsync(ResourceNames.Orders);
        await Shop.StartResourceAsync(ResourceNames.Orders);

        var reread = await Shop.SessionOf(user.Id).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");
        Assert.Equal(("Confirmed", order.Total), (reread.Status, reread.Total));
        Assert.Equal(order.Lines, reread.Lines);
        Assert.Equal(7, await Shop.StockAsync(product.Id));
    }
}
