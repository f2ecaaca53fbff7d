namespace Shop.ProductService.Data;

/// <summary>The products database; on SQLite as it stands, with its migrations in <c>Data/Migrations</c>.</summary>
public class ProductsDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Reservation> Reservations => Set<Reservation>();
    public DbSet<ReservationLine> ReservationLines => Set<ReservationLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // The inbox of the events it has handled (and the outbox, empty while it publishes none).
        modelBuilder.AddIntegrationEventTables();

        var product = modelBuilder.Entity<Product>();
        product.Property(p => p.Sku).HasMaxLength(ProductRules.MaxSkuLength);
        product.HasIndex(p => p.Sku).IsUnique();
        product.Property(p => p.Name).HasMaxLength(ProductRules.MaxNameLength);
        product.Property(p => p.Currency).HasMaxLength(3);
        // The last line of defence against overselling: whatever the code does, stock cannot go negative.
        product.ToTable(table => table.HasCheckConstraint("CK_Products_Stock", "\"Stock\" >= 0"));
        // An update writes the stock it read; if an order took some meanwhile, the update fails instead of undoing that.
        product.Property(p => p.Stock).IsConcurrencyToken();

        var reservation = modelBuilder.Entity<Reservation>();
        reservation.HasKey(r => r.OrderId);
        reservation.Property(r => r.OrderId).ValueGeneratedNever();
        reservation.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        reservation.HasIndex(r => new { r.Status, r.CreatedAt });
        reservation.Property(r => r.CreatedAt).ReadAsUtc();
        reservation.Property(r => r.UpdatedAt).ReadAsUtc();
        reservation.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.OrderId);
    }
}

/// <summary>The products database on PostgreSQL, with its migrations in <c>Data/PostgresMigrations</c>.</summary>
public sealed class PostgresProductsDbContext(DbContextOptions<PostgresProductsDbContext> options) : ProductsDbContext(options);
