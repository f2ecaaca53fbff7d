using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>Placing an order across the three services: the user and products are looked up, priced and snapshotted.</summary>
public sealed class OrderPlacementTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Fact]
    public async Task PlacedOrderReadsBackWithItsUserAndProductDetails()
    {
        var user = await Shop.CreateCustomerAsync("Erin", 35);
        var notebook = await Shop.CreateProductAsAdminAsync("Notebook", 4.25m);
        var ink = await Shop.CreateProductAsAdminAsync("Ink", 0.10m);

        var placed = await (await Shop.PlaceOrderAsync(user.Id, (notebook.Id, 2), (ink.Id, 3))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var order = await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{placed.Id}");

        Assert.Equal(placed.Id, order.Id);
        Assert.Equal(user.Id, order.User?.Id);
        Assert.Equal("Erin", order.User?.Name);
        Assert.Equal(8.80m, order.Total);
        Assert.Equal("EUR", order.Currency);
        Assert.Equal(
            [
                new OrderLineDto(notebook.Id, notebook.Sku, "Notebook", 4.25m, 2, 8.50m),
                new OrderLineDto(ink.Id, ink.Sku, "Ink", 0.10m, 3, 0.30m)
            ],
            order.Lines.OrderBy(l => l.Name == "Ink"));
    }

    [Fact]
    public async Task PlacedOrderAnswersWithItsLocation()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync();

        var response = await Shop.PlaceOrderAsync(user.Id, (product.Id, 1));
        var order = await response.ReadAsync<OrderDto>(HttpStatusCode.Created);

        Assert.Equal($"/orders/{order.Id}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task OrdersKeepThePriceTheProductHadWhenPlaced()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync("Lamp", 20m);
        var placed = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var update = await Shop.As(Caller.Admin()).Products.PutAsJsonAsync($"/products/{product.Id}",
            new { sku = product.Sku, name = "Lamp deluxe", price = 35m, currency = "EUR", stock = product.Stock },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        var order = await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{placed.Id}");
        Assert.Equal(20m, order.Total);
        Assert.Equal(new OrderLineDto(product.Id, product.Sku, "Lamp", 20m, 1, 20m), Assert.Single(order.Lines));
    }

    [Fact]
    public async Task ListingByUserShowsOnlyThatUsersOrders()
    {
        var first = await Shop.CreateCustomerAsync();
        var second = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync();
        var firstOrders = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            firstOrders.Add((await (await Shop.PlaceOrderAsync(first.Id, (product.Id, i + 1))).ReadAsync<OrderDto>(HttpStatusCode.Created)).Id);
        }

        await (await Shop.PlaceOrderAsync(second.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var page = await Shop.As(Caller.Admin()).Orders.GetAsync<PageDto<OrderSummaryDto>>($"/orders?userId={first.Id}");

        Assert.Equal(3, page.TotalCount);
        Assert.Equal(firstOrders, page.Items.Select(o => o.Id));
        Assert.All(page.Items, o => Assert.Equal(first.Id, o.UserId));
    }

    [Fact]
    public async Task DevelopmentSeedHasTheWorkshopsUsersProductsAndOrders()
    {
        var alice = await Shop.As(Caller.Admin()).Users.GetAsync<UserDto>("/users/1");
        var bob = await Shop.As(Caller.Admin()).Users.GetAsync<UserDto>("/users/2");
        var aliceOrder = Assert.Single((await Shop.As(Caller.Admin()).Orders.GetAsync<PageDto<OrderSummaryDto>>("/orders?userId=1")).Items);
        var bobOrder = Assert.Single((await Shop.As(Caller.Admin()).Orders.GetAsync<PageDto<OrderSummaryDto>>("/orders?userId=2")).Items);

        Assert.Equal(("Alice", 30), (alice.Name, alice.Age));
        Assert.Equal(("Bob", 25), (bob.Name, bob.Age));
        Assert.Equal("Book", Assert.Single(aliceOrder.Lines).Name);
        Assert.Equal("Pen", Assert.Single(bobOrder.Lines).Name);
        Assert.Equal("Book", (await Shop.As(Caller.Admin()).Products.GetAsync<ProductDto>($"/products/{aliceOrder.Lines[0].ProductId}")).Name);
    }
}
