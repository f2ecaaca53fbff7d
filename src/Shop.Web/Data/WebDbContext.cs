using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;

namespace Shop.Web.Data;

/// <summary>The web app's database: baskets, sign-in sessions and the keys that protect its cookies; on SQLite as it stands.</summary>
public class WebDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Basket> Baskets => Set<Basket>();
    public DbSet<BasketLine> BasketLines => Set<BasketLine>();
    public DbSet<SignInSession> SignInSessions => Set<SignInSession>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var basket = modelBuilder.Entity<Basket>();
        basket.Property(b => b.Id).HasMaxLength(BasketCookie.IdLength);
        // One basket per person: merging an anonymous basket at sign-in relies on it.
        basket.HasIndex(b => b.OwnerId).IsUnique();
        basket.Property(b => b.CheckoutKey).HasMaxLength(64);
        basket.Property(b => b.PlacedKey).HasMaxLength(64);
        basket.Property(b => b.UpdatedAt).ReadAsUtc().IsConcurrencyToken();
        basket.HasIndex(b => b.UpdatedAt);
        basket.HasMany(b => b.Lines).WithOne().HasForeignKey(l => l.BasketId).OnDelete(DeleteBehavior.Cascade);

        var line = modelBuilder.Entity<BasketLine>();
        line.HasKey(l => new { l.BasketId, l.ProductId });
        line.ToTable(table => table.HasCheckConstraint("CK_BasketLines_Quantity", $"\"Quantity\" BETWEEN 1 AND {BasketRules.MaxQuantity}"));

        var session = modelBuilder.Entity<SignInSession>();
        session.HasKey(s => s.Key);
        session.Property(s => s.Key).HasMaxLength(64);
        session.Property(s => s.ExpiresAt).ReadAsUtc();
        session.HasIndex(s => s.ExpiresAt);
    }
}

/// <summary>The web app's database on PostgreSQL, with its migrations in <c>Data/PostgresMigrations</c>.</summary>
public sealed class PostgresWebDbContext(DbContextOptions<PostgresWebDbContext> options) : WebDbContext(options);
