using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>The users service hangs: it takes connections and never answers. Its callers give up at their timeouts.</summary>
[Collection(OtherOutagesCollection.Name)]
public sealed class UsersHangingTests(IsolatedTopologyFixture fixture) : IsolatedTopologyTests(fixture)
{
    [Fact]
    public async Task WithUsersHangingPlacingAnOrderAnswers503InsteadOfHanging()
    {
        var user = await Shop.CreateCustomerAsync("Sam");
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var cache = await Shop.CacheAsync();

        // The users service accepts connections but never answers: every call to it ends at its timeouts.
        await Shop.FreezeResourceAsync(ShopServices.Users);
        HttpResponseMessage placing;
        try
        {
            // Once it is frozen, nothing puts the user back into the cache, which the orders service would read instead.
            await cache.KeyDeleteAsync(UserCacheEntry.Key(user.Id));
            placing = await Shop.PlaceOrderAsync(user.Id, (product.Id, 1));
        }
        finally
        {
            await Shop.ThawResourceAsync(ShopServices.Users);
        }

        var problem = await placing.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(ShopServices.Users, problem.GetProperty("dependency").GetString());
        Assert.NotNull(placing.Headers.RetryAfter);
        Assert.Equal(0, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
        Assert.Equal(10, await Shop.StockAsync(product.Id));

        await Eventually.HoldsAsync(async () =>
            (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).StatusCode == HttpStatusCode.Created,
            "Placing orders did not work again after the users service answered again.");
    }
}
