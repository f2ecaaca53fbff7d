using Shop.ProductService.Data;
using Shop.ProductService.Reservations;

namespace Shop.ProductService.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>The products database, stock reservations and the sweep that releases expired holds.</summary>
    public static IHostApplicationBuilder AddProductServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidation();
        builder.AddSqliteDbContext<ProductsDbContext>("productsdb");
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.Configure<ReservationOptions>(builder.Configuration.GetSection("Reservations"));
        builder.Services.AddScoped<ReservationStore>();
        builder.Services.AddHostedService<ReservationSweep>();
        return builder;
    }
}
