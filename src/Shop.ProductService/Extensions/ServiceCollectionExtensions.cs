namespace Shop.ProductService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>
    /// The products database, stock reservations, the sweep that releases expired holds, the stock of cancelled orders
    /// given back from their events, and token checks.
    /// </summary>
    public static IHostApplicationBuilder AddProductServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddServiceDatabase<ProductsDbContext, PostgresProductsDbContext>(ShopResources.ProductsDatabase);
        builder.Services.AddValidatedOptions<ReservationOptions>(ReservationOptions.Section);
        builder.Services.AddSingleton<ReservationMetrics>();
        builder.Services.AddScoped<ReservationStore>();
        builder.Services.AddHostedService<ReservationSweep>();
        builder.AddIntegrationEvents<ProductsDbContext>(ShopServices.Products, handlers => handlers.Handle<OrderCancelled, StockReturn>());

        builder.AddDefaultAuthentication(ShopServices.Products);
        builder.Services.AddAuthorizationBuilder()
            .AddScopePolicy(ShopScopes.CatalogRead, orSignedInUser: true)
            .AddScopePolicy(ShopScopes.Reservations);
        builder.AddDefaultRateLimiting();
        return builder;
    }
}
