using Microsoft.EntityFrameworkCore;
using Shop.ProductService.Model;

namespace Shop.ProductService.Data;

public sealed class ProductsDbContext(DbContextOptions<ProductsDbContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var product = modelBuilder.Entity<Product>();
        product.Property(p => p.Sku).HasMaxLength(ProductRules.MaxSkuLength);
        product.HasIndex(p => p.Sku).IsUnique();
        product.Property(p => p.Name).HasMaxLength(ProductRules.MaxNameLength);
        product.Property(p => p.Currency).HasMaxLength(3);
        product.ToTable(table => table.HasCheckConstraint("CK_Products_Stock", "\"Stock\" >= 0"));
    }
}
