using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Everything the shop acknowledged is still there after the AppHost and every service end and start again: the
/// first topology's processes are killed, not stopped, as in a crash of the whole machine.
/// </summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task DataSurvivesARestartOfTheAppHost()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("shop-tests-restart-").FullName;
        try
        {
            UserDto user;
            ProductDto product;
            OrderDto order;
            await using (var first = await ShopTopology.StartAsync(dataDirectory: dataDirectory))
            {
                user = await first.CreateCustomerAsync("Karl");
                product = await first.CreateProductAsAdminAsync("Globe", 15m);
                order = await (await first.PlaceOrderAsync(user.Id, (product.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
            }

            await using var second = await ShopTopology.StartAsync(dataDirectory: dataDirectory);

            Assert.Equal(user, await second.As(Caller.Admin()).Users.GetAsync<UserDto>($"/users/{user.Id}"));
            Assert.Equal(product with { Stock = product.Stock - 2 }, await second.As(Caller.Admin()).Products.GetAsync<ProductDto>($"/products/{product.Id}"));
            var reread = await second.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}");
            Assert.Equal((order.Total, "Karl"), (reread.Total, reread.User?.Name));
            Assert.Equal(order.Lines, reread.Lines);
        }
        finally
        {
            ShopTopology.RemoveData(dataDirectory);
        }
    }
}
