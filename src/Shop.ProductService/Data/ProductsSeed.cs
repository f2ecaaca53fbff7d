using Microsoft.EntityFrameworkCore;
using Shop.ProductService.Model;

namespace Shop.ProductService.Data;

internal static class ProductsSeed
{
    /// <summary>A Book and a Pen, added once to an empty database.</summary>
    public static async Task SeedSampleProductsAsync(ProductsDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (await db.Products.AnyAsync(cancellationToken))
        {
            return;
        }

        db.Products.AddRange(
            new Product { Sku = "BOOK-001", Name = "Book", Price = 12.50m, Currency = "EUR", Stock = 100 },
            new Product { Sku = "PEN-001", Name = "Pen", Price = 1.99m, Currency = "EUR", Stock = 500 });
        await db.SaveChangesAsync(cancellationToken);
    }
}
