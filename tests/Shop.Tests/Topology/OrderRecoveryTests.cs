using System.Net;
using System.Net.Http.Json;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The orders service stopped between storing an order and confirming its stock, or never sent the confirm: recovery
/// and the products service's sweep bring both sides back to agreement. The tests play the crash by writing what the
/// service would have left behind straight into its database.
/// </summary>
[Collection(OtherOutagesCollection.Name)]
public sealed class OrderRecoveryTests(IsolatedTopologyFixture fixture) : IsolatedTopologyTests(fixture)
{
    [Fact]
    public async Task APendingOrderWhoseStockIsHeldIsConfirmed()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var orders = await Shop.DatabaseAsync(ShopResources.OrdersDatabase);
        var orderId = await orders.InsertStrandedOrderAsync(user.Id, product.Id, product.Price, 3, DatabaseBackdoor.NotDueUntilBackdated);
        var reserve = await Shop.As(Caller.Service()).Products.ReserveAsync(orderId, (product.Id, 3));
        await reserve.ReadAsync<ReservationDto>(HttpStatusCode.Created);
        // The stop was long ago: recovery takes the order over at its next pass, while its stock is still held.
        await orders.BackdateOrderAsync(orderId, DatabaseBackdoor.LongAgo);

        var order = await Eventually.ReturnsAsync(async () =>
        {
            var current = await Shop.As(Caller.Customer(user.Id)).Orders.GetAsync<OrderDto>($"/orders/{orderId}");
            return current.Status == "Confirmed" ? current : null;
        }, "Recovery did not confirm the order.");

        Assert.Equal("Confirmed", order.Status);
        Assert.Equal("Confirmed", (await Shop.As(Caller.Service()).Products.GetAsync<ReservationDto>($"/reservations/{orderId}")).Status);
        Assert.Equal(7, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task APendingOrderWithoutHeldStockIsUndone()
    {
        var user = await Shop.CreateCustomerAsync();
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var orderId = await (await Shop.DatabaseAsync(ShopResources.OrdersDatabase)).InsertStrandedOrderAsync(user.Id, product.Id, product.Price, 2, DatabaseBackdoor.LongAgo);

        // Undone means released, then removed: a Failed order is hidden (404) while its release is still on its way.
        await Eventually.HoldsAsync(async () =>
            (await Shop.As(Caller.Customer(user.Id)).Orders.GetAsync($"/orders/{orderId}", Cancellation)).StatusCode == HttpStatusCode.NotFound
            && await Shop.As(Caller.Service()).Products.GetAsync($"/reservations/{orderId}", Cancellation) is { StatusCode: HttpStatusCode.OK } released
            && (await released.ReadAsync<ReservationDto>(HttpStatusCode.OK)).Status == "Released",
            "Recovery did not undo the order.");

        // The reserve that the crashed service never sent cannot hold stock for the undone order later.
        var late = await Shop.As(Caller.Service()).Products.ReserveAsync(orderId, (product.Id, 2));
        await late.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(10, await Shop.StockAsync(product.Id));
        Assert.Equal(0, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
    }

    [Fact]
    public async Task StockHeldForAnOrderThatNeverConfirmsIsReleasedAfterTheHoldTimeout()
    {
        var product = await Shop.CreateProductAsAdminAsync(stock: 10);
        var orderId = Random.Shared.Next(500_000_000, int.MaxValue);
        var reserve = await Shop.As(Caller.Service()).Products.ReserveAsync(orderId, (product.Id, 6));
        await reserve.ReadAsync<ReservationDto>(HttpStatusCode.Created);
        Assert.Equal(4, await Shop.StockAsync(product.Id));

        await Eventually.HoldsAsync(async () => await Shop.StockAsync(product.Id) == 10, "The sweep did not give the stock back.");

        Assert.Equal("Released", (await Shop.As(Caller.Service()).Products.GetAsync<ReservationDto>($"/reservations/{orderId}")).Status);
    }
}
