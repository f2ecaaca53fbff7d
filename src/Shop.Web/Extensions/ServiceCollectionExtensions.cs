using Microsoft.AspNetCore.DataProtection;
using Shop.ServiceDefaults.Http;
using Shop.Web.FrontDoor;

namespace Shop.Web.Extensions;

internal static class ServiceCollectionExtensions
{
    /// <summary>
    /// The web app's database (baskets, sign-in sessions, the keys of its cookies), sign-in at the issuer, the clients of
    /// the three services, checkout, the pages and the front door.
    /// </summary>
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<WebDbContext, PostgresWebDbContext>(ShopResources.WebDatabase);
        // Every replica, and the web app after a restart, reads the cookies the others wrote.
        builder.Services.AddDataProtection().SetApplicationName(ShopServices.Web).PersistKeysToDbContext<WebDbContext>();

        // The web app's own identity, to read the catalogue for visitors who have not signed in.
        builder.AddServiceIdentity(ShopServices.Web, ShopScopes.CatalogRead);
        builder.AddWebSignIn();

        builder.AddServiceClient<CatalogClient>(ShopServices.Products);
        builder.Services.AddHttpClient<OrdersClient>(client => client.BaseAddress = new($"https+http://{ShopServices.Orders}"))
            .AddHttpMessageHandler<PersonTokenHandler>();
        // The back office calls two services; each call names its own.
        builder.Services.AddHttpClient<BackOfficeClient>().AddHttpMessageHandler<PersonTokenHandler>();
        builder.Services.AddScoped<BasketStore>();
        builder.Services.AddHostedService<WebDataSweep>();
        builder.Services.AddSingleton<CheckoutMetrics>();
        builder.Services.AddScoped<CheckoutProcess>();

        builder.Services.AddRazorComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.AddFrontDoor();
        return builder;
    }
}
