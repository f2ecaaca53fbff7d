using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shop.OrderService.Data;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>An orders database written by an earlier version keeps its promises once the service is upgraded.</summary>
public sealed class OrderUpgradeTests
{
    // The last migration before a key kept a placement's result rather than an HTTP answer.
    private const string AnswersKeptAsHttp = "20261128010058_OrderIdempotencyKeys";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeysAnsweredBeforeTheUpgradeAnswerTheSameAfterIt()
    {
        await using var orders = new OrdersServiceHost();
        var customer = orders.Peers.NewUser();
        var product = orders.Peers.NewProduct(stock: 10);
        await WriteEarlierVersionDatabaseAsync(orders.DatabaseFile, customer, product);
        using var client = orders.As(Caller.Customer(customer));
        // Starts the service on the earlier database, which it upgrades, and gives the request fingerprint of this body.
        await (await client.PlaceOrderAsync("probe", (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await orders.Database.ExecuteAsync("UPDATE IdempotencyRecords SET RequestHash = (SELECT RequestHash FROM IdempotencyRecords WHERE Key = $probe) WHERE Key <> $probe",
            ("$probe", $"{customer}:probe"));

        var placedBefore = await (await client.PlaceOrderAsync("placed", (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var refusedBefore = await (await client.PlaceOrderAsync("refused", (product, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        Assert.Equal((1, "Confirmed", "EUR"), (placedBefore.Id, placedBefore.Status, placedBefore.Currency));
        // A kept refusal is decided again: stock has come in since.
        Assert.NotEqual(1, refusedBefore.Id);
        Assert.Equal(3, (await client.GetAsync<PageDto<OrderSummaryDto>>("/orders")).TotalCount);
        Assert.Equal(8, orders.Peers.StockOf(product));
    }

    /// <summary>
    /// The database as the earlier version left it: order 1 placed with the key "placed", its answer kept as HTTP, and
    /// the key "refused" kept with the 409 it was answered.
    /// </summary>
    private static async Task WriteEarlierVersionDatabaseAsync(string databaseFile, int customer, int product)
    {
        var options = new DbContextOptionsBuilder<OrdersDbContext>().UseSqlite($"Data Source={databaseFile}").Options;
        await using (var db = new OrdersDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync(AnswersKeptAsHttp, Cancellation);
        }

        await DatabaseBackdoor.SqliteFile(databaseFile).ExecuteAsync("""
            INSERT INTO Orders (Id, UserId, Status, CreatedAt, Currency, Total, IdempotencyKey)
                VALUES (1, $customer, 'Confirmed', $answeredAt, 'EUR', 20, $placedKey);
            INSERT INTO OrderLine (OrderId, ProductId, Sku, ProductName, UnitPrice, Quantity, LineTotal)
                VALUES (1, $product, 'SKU', 'Kettle', 20, 1, 20);
            INSERT INTO IdempotencyRecords (Key, RequestHash, CreatedAt, StatusCode, ResponseBody) VALUES
                ($placedKey, 'fingerprint', $answeredAt, 201, $placedBody),
                ($refusedKey, 'fingerprint', $answeredAt, 409,
                    '{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.10","title":"Out of stock.","status":409}');
            """,
            // Answered a minute ago: its key is still kept.
            ("$answeredAt", DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("$customer", customer), ("$product", product),
            ("$placedKey", $"{customer}:placed"), ("$refusedKey", $"{customer}:refused"),
            ("$placedBody", $$"""
                {"id":1,"status":"Confirmed","createdAt":"2026-11-28T10:00:00Z","total":20,"currency":"EUR",
                 "user":null,"userStatus":"Unavailable",
                 "lines":[{"productId":{{product}},"sku":"SKU","name":"Kettle","unitPrice":20,"quantity":1,"lineTotal":20}]}
                """));
    }
}
