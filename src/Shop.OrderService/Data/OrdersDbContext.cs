using Microsoft.EntityFrameworkCore;
using Shop.OrderService.Model;

namespace Shop.OrderService.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var order = modelBuilder.Entity<Order>();
        order.HasIndex(o => o.UserId);
        order.Property(o => o.Currency).HasMaxLength(3);
        order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);

        var line = modelBuilder.Entity<OrderLine>();
        line.Property(l => l.Sku).HasMaxLength(32);
        line.Property(l => l.ProductName).HasMaxLength(200);
    }
}
