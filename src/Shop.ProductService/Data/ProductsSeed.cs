namespace Shop.ProductService.Data;

internal static class ProductsSeed
{
    /// <summary>A Book and a Pen, added once to an empty database.</summary>
    public static Task SeedSampleProductsAsync(ProductsDbContext db, IServiceProvider services, CancellationToken cancellationToken) =>
        db.AddIfEmptyAsync(db.Products,
        [
            new Product { Sku = "BOOK-001", Name = "Book", Price = 12.50m, Currency = "EUR", Stock = 100 },
            new Product { Sku = "PEN-001", Name = "Pen", Price = 1.99m, Currency = "EUR", Stock = 500 }
        ], cancellationToken);
}
