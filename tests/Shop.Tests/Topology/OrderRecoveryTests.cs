using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// The orders service stopped between storing an order and confirming its stock: the test plays that
/// crash by writing a Pending order straight into the orders database, as the service would have left it.
/// </summary>
[Collection(OwnTopologyCollection.Name)]
public sealed class OrderRecoveryTests(FaultTopologyFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APendingOrderWhoseStockIsHeldIsConfirmed()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);
        var orderId = await InsertStrandedPendingOrderAsync(user.Id, product, quantity: 3);
        var reserve = await Shop.Service.Products.PostAsJsonAsync("/reservations",
            new { orderId, lines = new[] { new { productId = product.Id, quantity = 3 } } }, Cancellation);
        await reserve.ReadAsync<ReservationDto>(HttpStatusCode.Created);

        var order = await EventuallyAsync(async () =>
        {
            var current = await Shop.Orders.GetAsync<OrderDto>($"/orders/{orderId}");
            return current.Status == "Confirmed" ? current : null;
        });

        Assert.Equal("Confirmed", order.Status);
        Assert.Equal("Confirmed", (await Shop.Service.Products.GetAsync<ReservationDto>($"/reservations/{orderId}")).Status);
        Assert.Equal(7, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task APendingOrderWithoutHeldStockIsUndone()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);
        var orderId = await InsertStrandedPendingOrderAsync(user.Id, product, quantity: 2);

        await EventuallyAsync(async () =>
            (await Shop.Orders.GetAsync($"/orders/{orderId}", Cancellation)).StatusCode == HttpStatusCode.NotFound ? "gone" : null);

        // The reserve that the crashed service never sent cannot hold stock for the undone order later.
        var late = await Shop.Service.Products.PostAsJsonAsync("/reservations",
            new { orderId, lines = new[] { new { productId = product.Id, quantity = 2 } } }, Cancellation);
        await late.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(10, await Shop.StockAsync(product.Id));
        Assert.Equal(0, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
    }

    private async Task<int> InsertStrandedPendingOrderAsync(int userId, ProductDto product, int quantity)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Shop.DataDirectory, "ordersdb.db")}");
        await connection.OpenAsync(Cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Orders (UserId, Status, CreatedAt, Currency, Total) VALUES ($user, 'Pending', '2000-01-01 00:00:00', $currency, $total);
            INSERT INTO OrderLine (OrderId, ProductId, Sku, ProductName, UnitPrice, Quantity, LineTotal)
                VALUES (last_insert_rowid(), $product, $sku, $name, $price, $quantity, $total);
            SELECT OrderId FROM OrderLine WHERE Id = last_insert_rowid();
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$currency", product.Currency);
        command.Parameters.AddWithValue("$total", (product.Price * quantity).ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$product", product.Id);
        command.Parameters.AddWithValue("$sku", product.Sku);
        command.Parameters.AddWithValue("$name", product.Name);
        command.Parameters.AddWithValue("$price", product.Price.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$quantity", quantity);
        return Convert.ToInt32(await command.ExecuteScalarAsync(Cancellation), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await probe() is { } result)
            {
                return result;
            }

            Assert.True(DateTime.UtcNow < deadline, "Recovery did not act within 30 seconds.");
            await Task.Delay(250, Cancellation);
        }
    }
}
