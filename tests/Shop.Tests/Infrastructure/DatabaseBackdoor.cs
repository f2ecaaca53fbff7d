using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Shop.Tests.Infrastructure;

/// <summary>Reaches into a service's database, for tests that play what a crash would have left behind.</summary>
/// <param name="Provider">The provider the service runs on: <see cref="DataProviders.Sqlite"/> or <see cref="DataProviders.Postgres"/>.</param>
public sealed record DatabaseBackdoor(string Provider, string ConnectionString)
{
    /// <summary>A placing time recovery takes an order over at once for.</summary>
    public static readonly DateTime LongAgo = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// A placing time recovery leaves an order alone for, however slow the machine, until the test backdates it
    /// (<see cref="BackdateOrderAsync"/>) once it has set up what the crash would have left behind.
    /// </summary>
    public static readonly DateTime NotDueUntilBackdated = new(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static DatabaseBackdoor SqliteFile(string path) => new(DataProviders.Sqlite, $"Data Source={path}");

    /// <summary>Runs <paramref name="sql"/> and answers the first column of its first row, if any.</summary>
    public async Task<object?> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        return await ExecuteAsync(connection, null, sql, parameters);
    }

    /// <summary>
    /// Writes an order as the orders service leaves it when it stops between storing the order and confirming its
    /// stock: Pending, one line, placed at <paramref name="placedAt"/>; recovery takes it over once it is older than
    /// <c>Ordering:PendingTimeout</c>. Answers its id. The SQL is the same on both providers.
    /// </summary>
    public async Task<int> InsertStrandedOrderAsync(int userId, int productId, decimal unitPrice, int quantity, DateTime placedAt)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        var id = Convert.ToInt32(await ExecuteAsync(connection, transaction, """
            INSERT INTO "Orders" ("UserId", "Status", "CreatedAt", "Currency", "Total")
                VALUES (@user, 'Pending', @createdAt, 'EUR', @total) RETURNING "Id"
            """,
            ("user", userId), ("createdAt", placedAt), ("total", unitPrice * quantity)),
            CultureInfo.InvariantCulture);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO "OrderLine" ("OrderId", "ProductId", "Sku", "ProductName", "UnitPrice", "Quantity", "LineTotal")
                VALUES (@order, @product, 'SKU', 'Stranded', @price, @quantity, @total)
            """,
            ("order", id), ("product", productId), ("price", unitPrice), ("quantity", quantity), ("total", unitPrice * quantity));
        await transaction.CommitAsync(TestContext.Current.CancellationToken);
        return id;
    }

    /// <summary>Makes an order look placed at <paramref name="placedAt"/>, e.g. long enough ago for recovery to take it over now.</summary>
    public Task BackdateOrderAsync(int orderId, DateTime placedAt) =>
        ExecuteAsync("""UPDATE "Orders" SET "CreatedAt" = @placedAt WHERE "Id" = @id""", ("placedAt", placedAt), ("id", orderId));

    /// <summary>The currency <see cref="ChangeOrderCurrencyAsync"/> gives an order's row: ISO 4217's code for tests, in which no order is placed.</summary>
    public const string ChangedCurrency = "XTS";

    /// <summary>
    /// Changes an order's currency to <see cref="ChangedCurrency"/> behind the orders service's back, so that a test can
    /// tell whether the service shows a copy it kept (the currency it was placed in) or the row.
    /// </summary>
    public async Task ChangeOrderCurrencyAsync(int orderId) =>
        Assert.Equal(orderId, Convert.ToInt32(
            await ExecuteAsync("""UPDATE "Orders" SET "Currency" = @currency WHERE "Id" = @id RETURNING "Id" """, ("currency", ChangedCurrency), ("id", orderId)),
            System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Marks the service's published event of <paramref name="type"/> about order <paramref name="orderId"/> unpublished,
    /// as a relay that stopped after the transport took it and before it recorded that would have left it: the relay
    /// publishes it again. Answers whether there was one to mark.
    /// </summary>
    public async Task<bool> RepublishOrderEventAsync(string type, int orderId) => await ExecuteAsync($"""
        UPDATE "OutboxEvents" SET "PublishedAt" = NULL, "NextAttemptAt" = @due
        WHERE "PublishedAt" IS NOT NULL AND "Type" = @type AND {AboutOrder}
        RETURNING "Id"
        """, ("due", LongAgo), ("type", type), ("ended", $"%\"orderId\":{orderId}}}%"), ("followed", $"%\"orderId\":{orderId},%")) is not null;

    /// <summary>The events the service has not published yet.</summary>
    public async Task<int> UnpublishedEventsAsync() => Convert.ToInt32(
        await ExecuteAsync("""SELECT COUNT(*) FROM "OutboxEvents" WHERE "PublishedAt" IS NULL"""), CultureInfo.InvariantCulture);

    /// <summary>The events of <paramref name="type"/> about order <paramref name="orderId"/> in the service's inbox.</summary>
    public async Task<int> InboxCountAsync(string type, int orderId) => Convert.ToInt32(await ExecuteAsync($"""
        SELECT COUNT(*) FROM "InboxEvents" WHERE "Type" = @type AND {AboutOrder}
        """, ("type", type), ("ended", $"%\"orderId\":{orderId}}}%"), ("followed", $"%\"orderId\":{orderId},%")),
        CultureInfo.InvariantCulture);

    /// <summary>The id of the event of <paramref name="type"/> about order <paramref name="orderId"/> in the service's inbox.</summary>
    public async Task<Guid> InboxEventIdAsync(string type, int orderId) => Guid.Parse(Convert.ToString(await ExecuteAsync($"""
        SELECT "EventId" FROM "InboxEvents" WHERE "Type" = @type AND {AboutOrder}
        """, ("type", type), ("ended", $"%\"orderId\":{orderId}}}%"), ("followed", $"%\"orderId\":{orderId},%")),
        CultureInfo.InvariantCulture) ?? throw new InvalidOperationException($"No {type} event of order {orderId} is in the inbox."));

    // An event's envelope is compact JSON whose data names the order: "orderId":12, or "orderId":12}.
    private const string AboutOrder = """("Envelope" LIKE @ended OR "Envelope" LIKE @followed)""";

    /// <summary>
    /// Makes every change to the reservation of <paramref name="orderId"/> fail, as a bug in the code that handles it
    /// would, until <see cref="AllowReservationChangesAsync"/>: a trigger that raises an error.
    /// </summary>
    public Task RefuseReservationChangesAsync(int orderId) => ExecuteAsync(Provider == DataProviders.Postgres
        ? $$"""
            CREATE FUNCTION refuse_reservation_change() RETURNS trigger LANGUAGE plpgsql AS $body$
                BEGIN RAISE EXCEPTION 'This reservation may not change'; END $body$;
            CREATE TRIGGER refuse_reservation_change BEFORE UPDATE ON "Reservations"
                FOR EACH ROW WHEN (OLD."OrderId" = {{orderId}}) EXECUTE FUNCTION refuse_reservation_change();
            """
        : $"""
            CREATE TRIGGER refuse_reservation_change BEFORE UPDATE ON "Reservations" WHEN OLD."OrderId" = {orderId}
                BEGIN SELECT RAISE(ABORT, 'This reservation may not change'); END;
            """);

    /// <summary>Undoes <see cref="RefuseReservationChangesAsync"/>: the bug is fixed.</summary>
    public Task AllowReservationChangesAsync() => ExecuteAsync(Provider == DataProviders.Postgres
        ? """
            DROP TRIGGER refuse_reservation_change ON "Reservations";
            DROP FUNCTION refuse_reservation_change();
            """
        : "DROP TRIGGER refuse_reservation_change");

    private async Task<DbConnection> OpenAsync()
    {
        // A connection of its own each time: a pooled one may predate a restart of the server that a test made.
        DbConnection connection = Provider == DataProviders.Postgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString)
            : new SqliteConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }

    private static async Task<object?> ExecuteAsync(
        DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
