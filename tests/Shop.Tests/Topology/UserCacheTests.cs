using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class UserCacheTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{


    [Fact]
    public async Task AfterTheFirstLookupTheUserIsInTheCache()
    {
        var user = await Shop.CreateCustomerAsync("Frank", 50);
        var cache = await Shop.CacheAsync();
        Assert.False(await cache.KeyExistsAsync(UserCacheEntry.Key(user.Id)));

        await Shop.As(Caller.Admin()).Users.GetAsync<UserDto>($"/users/{user.Id}");

        var cached = await cache.StringGetAsync(UserCacheEntry.Key(user.Id));
        Assert.True(cached.HasValue);
        Assert.Equal(user, JsonSerializer.Deserialize<UserDto>(cached.ToString(), JsonSerializerOptions.Web));
        Assert.NotNull(await cache.KeyTimeToLiveAsync(UserCacheEntry.Key(user.Id)));
    }

    [Fact]
    public async Task AnOrderLookupAlsoFillsTheCache()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync();
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var cache = await Shop.CacheAsync();
        await cache.KeyDeleteAsync(UserCacheEntry.Key(user.Id));

        await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");

        Assert.True(await cache.KeyExistsAsync(UserCacheEntry.Key(user.Id)));
    }

    [Fact]
    public async Task OrdersAreServedFromTheCacheWhenTheUserIsThere()
    {
        var user = await Shop.CreateCustomerAsync("Grace");
        var product = await Shop.CreateProductAsAdminAsync();
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var cache = await Shop.CacheAsync();

        // Only a lookup that reads the cache can see a name the database never had.
        await cache.StringSetAsync(UserCacheEntry.Key(user.Id), JsonSerializer.Serialize(user with { Name = "Grace (cached)" }, JsonSerializerOptions.Web));

        Assert.Equal("Grace (cached)", (await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);
    }

    [Fact]
    public async Task AfterAnUpdateTheOrderShowsTheNewName()
    {
        var user = await Shop.CreateCustomerAsync("Heidi");
        var product = await Shop.CreateProductAsAdminAsync();
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        Assert.Equal("Heidi", (await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);

        var update = await Shop.As(Caller.Admin()).Users.PutAsJsonAsync($"/users/{user.Id}", new { name = "Heidi Klein", email = user.Email, age = user.Age }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        Assert.Equal("Heidi Klein", (await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User?.Name);
        Assert.Equal("Heidi Klein", (await Shop.As(Caller.Admin()).Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);
    }

    [Fact]
    public async Task AfterADeleteTheUserIsGoneFromCacheAndOrders()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync();
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");

        var delete = await Shop.As(Caller.Admin()).Users.DeleteAsync($"/users/{user.Id}", Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        Assert.False(await (await Shop.CacheAsync()).KeyExistsAsync(UserCacheEntry.Key(user.Id)));
        Assert.Null((await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).User);
        await (await Shop.As(Caller.Admin()).Users.GetAsync($"/users/{user.Id}", Cancellation)).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ConcurrentLookupsNeverResurrectTheNameBeforeAnUpdate()
    {
        var user = await Shop.CreateCustomerAsync("Ivan");
        for (var round = 1; round <= 20; round++)
        {
            var name = $"Ivan {round}";
            var lookups = Enumerable.Range(0, 4).Select(_ => Shop.As(Caller.Admin()).Users.GetAsync($"/users/{user.Id}", Cancellation)).ToList();
            var update = await Shop.As(Caller.Admin()).Users.PutAsJsonAsync($"/users/{user.Id}", new { name, email = user.Email, age = user.Age }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            await Task.WhenAll(lookups);

            Assert.Equal(name, (await Shop.As(Caller.Admin()).Users.GetAsync<UserDto>($"/users/{user.Id}")).Name);
        }
    }
}
