using Shop.ProductService.Data;

namespace Shop.ProductService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The products database.</summary>
    public static IHostApplicationBuilder AddProductServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddSqliteDbContext<ProductsDbContext>("productsdb");
        return builder;
    }
}
