using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class OrderLifecycleTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Fact]
    public async Task APlacedOrderIsConfirmedAndTakesItsStock()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);

        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 3))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        Assert.Equal("Confirmed", order.Status);
        Assert.Equal("Confirmed", (await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
        Assert.Equal(7, await Shop.StockAsync(product.Id));
        var reservation = await Shop.As(Caller.Service()).Products.GetAsync<ReservationDto>($"/reservations/{order.Id}");
        Assert.Equal(new ReservationLineDto(product.Id, 3), Assert.Single(reservation.Lines));
        Assert.Equal("Confirmed", reservation.Status);
    }

    [Fact]
    public async Task CancellingReleasesTheStockAndASecondCancelDoesNoHarm()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 4))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        Assert.Equal(6, await Shop.StockAsync(product.Id));

        var first = await (await Shop.As(Caller.Customer(user.Id)).Orders.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);
        Assert.Equal("Cancelled", first.Status);
        await Shop.StockSettlesAtAsync(product.Id, 10);

        var second = await (await Shop.As(Caller.Customer(user.Id)).Orders.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);
        Assert.Equal("Cancelled", second.Status);
        await Shop.StockSettlesAtAsync(product.Id, 10);
        Assert.Equal("Cancelled", (await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
    }

    [Fact]
    public async Task AnAdminCancelsACustomersOrderAndItsStockIsReleased()
    {
        var customer = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var order = await (await Shop.PlaceOrderAsync(customer.Id, (product.Id, 3))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var cancelled = await (await Shop.As(Caller.Admin()).Orders.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);

        Assert.Equal(("Cancelled", customer.Id), (cancelled.Status, cancelled.User?.Id));
        await Shop.StockSettlesAtAsync(product.Id, 10);
        Assert.Equal("Cancelled", (await Shop.As(Caller.Customer(customer.Id)).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
    }

    [Fact]
    public async Task CancellingAnUnknownOrderReturns404Problem()
    {
        var customer = await Shop.CreateCustomerAsync();

        var response = await Shop.As(Caller.Customer(customer.Id)).Orders.PostAsync("/orders/999999/cancel", null, Cancellation);

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ACancelledOrdersStockCannotBeConfirmedAgain()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 5);
        var order = await (await Shop.PlaceOrderAsync(user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await (await Shop.As(Caller.Customer(user.Id)).Orders.PostAsync($"/orders/{order.Id}/cancel", null, Cancellation)).ReadAsync<OrderDto>(HttpStatusCode.OK);
        await Shop.StockSettlesAtAsync(product.Id, 5);

        var confirm = await Shop.As(Caller.Service()).Products.PostAsync($"/reservations/{order.Id}/confirm", null, Cancellation);

        await confirm.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(5, await Shop.StockAsync(product.Id));
        Assert.Equal("Cancelled", (await Shop.As(Caller.Admin()).Orders.GetAsync<OrderDto>($"/orders/{order.Id}")).Status);
    }

    [Fact]
    public async Task AnOrderShortOfStockGets409ProblemNamingTheProductAndHoldsNothing()
    {
        var user = await Shop.CreateCustomerAsync();
        var plenty = await Shop.CreateProductAsAdminAsync(stock: 5);
        var scarce = await Shop.CreateProductAsAdminAsync(stock: 1);

        var response = await Shop.PlaceOrderAsync(user.Id, (plenty.Id, 2), (scarce.Id, 2));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal([scarce.Id], problem.GetProperty("productIds").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(5, await Shop.StockAsync(plenty.Id));
        Assert.Equal(1, await Shop.StockAsync(scarce.Id));
        Assert.Equal(0, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
    }
}
