using Microsoft.EntityFrameworkCore;
using Shop.OrderService.Data;
using Shop.ProductService.Data;
using Shop.UserService.Data;
using Shop.Web.Data;

namespace Shop.Tests.Unit;

/// <summary>
/// Each service's model has one set of migrations per provider, and neither set lags the model: a model change without
/// its migration for SQLite or for PostgreSQL fails here, not on a user's first start.
/// </summary>
public sealed class MigrationTests
{
    // Building the model and reading the migrations needs no database: nothing here connects.
    private const string Sqlite = "Data Source=:memory:";
    private const string Postgres = "Host=localhost;Database=shop";

    public static TheoryData<string> Contexts() =>
    [
        nameof(UsersDbContext), nameof(PostgresUsersDbContext),
        nameof(ProductsDbContext), nameof(PostgresProductsDbContext),
        nameof(OrdersDbContext), nameof(PostgresOrdersDbContext),
        nameof(WebDbContext), nameof(PostgresWebDbContext)
    ];

    [Theory]
    [MemberData(nameof(Contexts))]
    public void TheMigrationsOfEachProviderMatchTheModel(string context)
    {
        using var db = Create(context);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"{context} has model changes that no migration holds: add one with dotnet ef migrations add.");
    }

    private static DbContext Create(string context) => context switch
    {
        nameof(UsersDbContext) => new UsersDbContext(new DbContextOptionsBuilder<UsersDbContext>().UseSqlite(Sqlite).Options),
        nameof(PostgresUsersDbContext) => new PostgresUsersDbContext(new DbContextOptionsBuilder<PostgresUsersDbContext>().UseNpgsql(Postgres).Options),
        nameof(ProductsDbContext) => new ProductsDbContext(new DbContextOptionsBuilder<ProductsDbContext>().UseSqlite(Sqlite).Options),
        nameof(PostgresProductsDbContext) => new PostgresProductsDbContext(new DbContextOptionsBuilder<PostgresProductsDbContext>().UseNpgsql(Postgres).Options),
        nameof(OrdersDbContext) => new OrdersDbContext(new DbContextOptionsBuilder<OrdersDbContext>().UseSqlite(Sqlite).Options),
        nameof(PostgresOrdersDbContext) => new PostgresOrdersDbContext(new DbContextOptionsBuilder<PostgresOrdersDbContext>().UseNpgsql(Postgres).Options),
        nameof(WebDbContext) => new WebDbContext(new DbContextOptionsBuilder<WebDbContext>().UseSqlite(Sqlite).Options),
        nameof(PostgresWebDbContext) => new PostgresWebDbContext(new DbContextOptionsBuilder<PostgresWebDbContext>().UseNpgsql(Postgres).Options),
        _ => throw new ArgumentOutOfRangeException(nameof(context), context, "Not a context of the shop.")
    };
}
