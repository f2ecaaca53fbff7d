using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
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

    /// <summary>
    /// During a rolling update the version before runs beside the new one on the migrated database, so a migration only
    /// expands: it adds tables, nullable columns, and columns with a default, which the old version ignores. What the
    /// old version reads or writes (a table or column dropped or renamed, a column made required without a default, or
    /// retyped) goes only in a contract step, a migration of a later release than the last one that read it, named
    /// here with the reason no running version reads it any more. See "Changing the schema" in docs/architecture.md.
    /// </summary>
    [Theory]
    [MemberData(nameof(Contexts))]
    public void EachMigrationOnlyExpandsTheSchemaUnlessItIsAContractStepNoRunningVersionReads(string context)
    {
        using var db = Create(context);
        var migrations = db.GetService<IMigrationsAssembly>();

        var breaking = migrations.Migrations
            .Where(migration => !ContractSteps.ContainsKey(migration.Key))
            .SelectMany(migration => Breaking(migrations.CreateMigration(migration.Value, db.Database.ProviderName!).UpOperations)
                .Select(operation => $"{migration.Key}: {operation}"))
            .ToList();

        Assert.True(breaking.Count == 0,
            $"{context} has migrations that would break the version still running beside them in a rolling update: " +
            $"{string.Join("; ", breaking)}. Expand first (add, keep the old), and contract in a later release, listed in {nameof(ContractSteps)}.");
    }

    /// <summary>
    /// The migrations that change or drop what an earlier version used, each with why no running version needs it. The
    /// ones here predate rolling updates of the shop: each was released with every replica of its service stopped first.
    /// A new one lands a release after the last version that used what it drops.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> ContractSteps = new Dictionary<string, string>
    {
        ["20261128112121_KeepPlacementResults"] =
            "IdempotencyRecords.ResponseBody became Result in one step, with the orders service stopped: before rolling updates.",
        ["20261207050651_SignInFailures"] =
            "Failed sign-ins moved from Users.SignInAttempts and SignInWindowEnd to SignInFailures in one step, with the users service stopped: before rolling updates.",
        ["20261207050657_SignInFailures"] = "The same move, on PostgreSQL."
    };

    /// <summary>What in <paramref name="operations"/> the version before would trip over.</summary>
    private static IEnumerable<string> Breaking(IReadOnlyList<MigrationOperation> operations)
    {
        var created = operations.OfType<CreateTableOperation>().Select(t => t.Name).ToHashSet();
        foreach (var operation in operations)
        {
            switch (operation)
            {
                case DropTableOperation drop:
                    yield return $"drops table {drop.Name}";
                    break;
                case RenameTableOperation rename:
                    yield return $"renames table {rename.Name} to {rename.NewName}";
                    break;
                case DropColumnOperation drop:
                    yield return $"drops column {drop.Table}.{drop.Name}";
                    break;
                case RenameColumnOperation rename:
                    yield return $"renames column {rename.Table}.{rename.Name} to {rename.NewName}";
                    break;
                case AddColumnOperation add when !created.Contains(add.Table) && !add.IsNullable && !HasDefault(add):
                    yield return $"adds required column {add.Table}.{add.Name} without a default, which the version before does not write";
                    break;
                case AlterColumnOperation alter when !alter.IsNullable && alter.OldColumn.IsNullable && !HasDefault(alter):
                    yield return $"makes column {alter.Table}.{alter.Name} required without a default";
                    break;
                case AlterColumnOperation alter when alter.OldColumn.ClrType is { } old && old != alter.ClrType:
                    yield return $"changes the type of column {alter.Table}.{alter.Name} from {old.Name} to {alter.ClrType.Name}";
                    break;
            }
        }
    }

    private static bool HasDefault(ColumnOperation column) =>
        column.DefaultValue is not null || column.DefaultValueSql is not null || column.ComputedColumnSql is not null;

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
