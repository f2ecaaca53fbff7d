using System.Net;
using Microsoft.Data.Sqlite;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

public sealed class IdempotencyTests(ShopFixture fixture)
{
    private ShopTopology Shop => fixture.Topology;

    [Fact]
    public async Task TwentyConcurrentRepeatsOfOneKeyPlaceOneOrderAndAllGetItsId()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 100);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Shop.PlaceOrderAsync(key, user.Id, (product.Id, 2))));

        var orders = await Task.WhenAll(responses.Select(r => r.ReadAsync<OrderDto>(HttpStatusCode.Created)));
        Assert.Single(orders.Select(o => o.Id).Distinct());
        Assert.Equal(orders[0].Id, Assert.Single((await Shop.OrdersOfAsync(user.Id)).Items).Id);
        Assert.Equal(98, await Shop.StockAsync(product.Id));
        var reservation = await Shop.Service.Products.GetAsync<ReservationDto>($"/reservations/{orders[0].Id}");
        Assert.Equal(new ReservationLineDto(product.Id, 2), Assert.Single(reservation.Lines));
    }

    [Fact]
    public async Task ARepeatAfterTheFirstAnswerGetsTheSameAnswer()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);
        var key = Guid.NewGuid().ToString();

        var first = await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var repeat = await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 1));

        Assert.Equal(first.Id, (await repeat.ReadAsync<OrderDto>(HttpStatusCode.Created)).Id);
        Assert.Equal($"/orders/{first.Id}", repeat.Headers.Location?.OriginalString);
        Assert.Equal(9, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task ARefusalIsRepeatedForItsKeyToo()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 1);
        var key = Guid.NewGuid().ToString();

        await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 2))).ReadProblemAsync(HttpStatusCode.Conflict);
        await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 2))).ReadProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(1, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task TheSameKeyWithADifferentBodyGets422Problem()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);
        var key = Guid.NewGuid().ToString();
        await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        var response = await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 5));

        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Single((await Shop.OrdersOfAsync(user.Id)).Items);
        Assert.Equal(9, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task AnOverlongKeyGets400Problem()
    {
        var response = await Shop.PlaceOrderAsync(new string('k', 201), 1, (1, 1));

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ARepeatOfARequestThatStoppedAfterPlacingGetsThatOrder()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);
        var key = Guid.NewGuid().ToString();
        var first = await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        // As if the service had stopped after placing the order but before keeping its answer, long ago.
        await ExecuteOnOrdersDatabaseAsync(
            "UPDATE IdempotencyRecords SET StatusCode = NULL, ResponseBody = NULL, CreatedAt = '2000-01-01 00:00:00' WHERE Key = $key",
            ("$key", $"{user.Id}:{key}"));

        var repeat = await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        Assert.Equal((first.Id, "Confirmed"), (repeat.Id, repeat.Status));
        Assert.Single((await Shop.OrdersOfAsync(user.Id)).Items);
        Assert.Equal(9, await Shop.StockAsync(product.Id));
    }

    [Fact]
    public async Task ARepeatOfARequestThatStoppedBeforeStoringAnOrderPlacesIt()
    {
        var user = await Shop.CreateUserAsync();
        var product = await Shop.CreateProductAsync(stock: 10);
        var earlierKey = Guid.NewGuid().ToString();
        var key = Guid.NewGuid().ToString();
        var earlier = await (await Shop.PlaceOrderAsync(earlierKey, user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        // As if a request with the same body had claimed the key long ago, and the service had stopped before storing its order.
        await ExecuteOnOrdersDatabaseAsync(
            """
            INSERT INTO IdempotencyRecords (Key, RequestHash, CreatedAt)
                SELECT $key, RequestHash, '2000-01-01 00:00:00' FROM IdempotencyRecords WHERE Key = $earlierKey
            """,
            ("$key", $"{user.Id}:{key}"), ("$earlierKey", $"{user.Id}:{earlierKey}"));

        var placed = await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        var repeat = await (await Shop.PlaceOrderAsync(key, user.Id, (product.Id, 1))).ReadAsync<OrderDto>(HttpStatusCode.Created);

        Assert.NotEqual(earlier.Id, placed.Id);
        Assert.Equal(placed.Id, repeat.Id);
        Assert.Equal(2, (await Shop.OrdersOfAsync(user.Id)).TotalCount);
        Assert.Equal(8, await Shop.StockAsync(product.Id));
    }

    private async Task ExecuteOnOrdersDatabaseAsync(string sql, params (string Name, string Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Shop.DataDirectory, "ordersdb.db")}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }
}
