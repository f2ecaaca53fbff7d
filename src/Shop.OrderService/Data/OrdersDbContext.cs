namespace Shop.OrderService.Data;

/// <summary>The orders database; on SQLite as it stands, with its migrations in <c>Data/Migrations</c>.</summary>
public class OrdersDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The outbox of the events it owes the others, and the inbox of those it has handled.
        modelBuilder.AddIntegrationEventTables();
        modelBuilder.AddWebhookTables();

        var order = modelBuilder.Entity<Order>();
        order.HasIndex(o => o.UserId);
        order.HasIndex(o => new { o.Status, o.CreatedAt });
        order.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
        order.Property(o => o.CreatedAt).ReadAsUtc();
        order.Property(o => o.Currency).HasMaxLength(3);
        order.Property(o => o.IdempotencyKey).HasMaxLength(IdempotencyRecord.MaxStoredKeyLength);
        // Not unique: a key may be used again once its record has expired.
        order.HasIndex(o => o.IdempotencyKey);
        order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);

        var line = modelBuilder.Entity<OrderLine>();
        line.Property(l => l.Sku).HasMaxLength(32);
        line.Property(l => l.ProductName).HasMaxLength(200);

        var idempotency = modelBuilder.Entity<IdempotencyRecord>();
        idempotency.HasKey(r => r.Key);
        idempotency.Property(r => r.Key).HasMaxLength(IdempotencyRecord.MaxStoredKeyLength);
        idempotency.HasIndex(r => r.CreatedAt);
    }
}

/// <summary>The orders database on PostgreSQL, with its migrations in <c>Data/PostgresMigrations</c>.</summary>
public sealed class PostgresOrdersDbContext(DbContextOptions<PostgresOrdersDbContext> options) : OrdersDbContext(options);
