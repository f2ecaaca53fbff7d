using Microsoft.Data.Sqlite;

namespace Shop.Tests.Infrastructure;

/// <summary>Reaches into a service's SQLite database, for tests that play what a crash would have left behind.</summary>
public static class ServiceDatabase
{
    /// <summary>Runs <paramref name="sql"/> on the database file and answers the first column of its first row, if any.</summary>
    public static async Task<object?> ExecuteAsync(string databaseFile, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection($"Data Source={databaseFile}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Writes an order as the orders service leaves it when it stops between storing the order and confirming its
    /// stock: Pending, placed long ago, one line. Answers its id.
    /// </summary>
    public static async Task<int> InsertStrandedOrderAsync(string ordersDatabaseFile, int userId, int productId, decimal unitPrice, int quantity)
    {
        var total = (unitPrice * quantity).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var id = await ExecuteAsync(ordersDatabaseFile, """
            INSERT INTO Orders (UserId, Status, CreatedAt, Currency, Total) VALUES ($user, 'Pending', '2000-01-01 00:00:00', 'EUR', $total);
            INSERT INTO OrderLine (OrderId, ProductId, Sku, ProductName, UnitPrice, Quantity, LineTotal)
                VALUES (last_insert_rowid(), $product, 'SKU', 'Stranded', $price, $quantity, $total);
            SELECT OrderId FROM OrderLine WHERE Id = last_insert_rowid();
            """,
            ("$user", userId), ("$total", total), ("$product", productId),
            ("$price", unitPrice.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("$quantity", quantity));
        return Convert.ToInt32(id, System.Globalization.CultureInfo.InvariantCulture);
    }
}
