using Microsoft.AspNetCore.Http.HttpResults;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Shop.Web.FrontDoor;

/// <summary>
/// The shop's one public entry: besides its own pages, the web app forwards the services' public API under
/// <c>/api/{service}/…</c> (<c>/api/orders/5</c> to the orders service's <c>/orders/5</c>), and the issuer's browser and
/// token routes as they are (<c>/connect/…</c>, <c>/account/…</c>, <c>/.well-known/…</c>), so that the services need
/// no address of their own outside. Nothing else reaches a service: the routes between services (stock reservations),
/// their health and their API documents have no route here.
/// </summary>
public static class FrontDoorExtensions
{
    /// <summary>Each service's public resource, under <c>/api/</c>.</summary>
    private static readonly (string Service, string Resource)[] PublicApis =
    [
        (ShopServices.Users, "users"),
        (ShopServices.Products, "products"),
        (ShopServices.Orders, "orders")
    ];

    /// <summary>The issuer's routes a browser or an API client uses, forwarded with their paths unchanged.</summary>
    private static readonly string[] IssuerPrefixes = ["/connect", "/account", "/.well-known"];

    public static IHostApplicationBuilder AddFrontDoor(this IHostApplicationBuilder builder)
    {
        var routes = new List<RouteConfig>();
        foreach (var (service, resource) in PublicApis)
        {
            foreach (var path in new[] { $"/api/{resource}", $"/api/{resource}/{{**rest}}" })
            {
                routes.Add(new RouteConfig
                {
                    RouteId = $"{service}:{path}",
                    ClusterId = service,
                    Match = new RouteMatch { Path = path }
                }.WithTransformPathRemovePrefix("/api"));
            }
        }

        foreach (var prefix in IssuerPrefixes)
        {
            routes.Add(new RouteConfig
            {
                RouteId = $"issuer:{prefix}",
                ClusterId = ShopServices.Users,
                Match = new RouteMatch { Path = $"{prefix}/{{**rest}}" }
            });
        }

        var clusters = PublicApis.Select(api => new ClusterConfig
        {
            ClusterId = api.Service,
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [api.Service] = new() { Address = $"https+http://{api.Service}" }
            }
        }).ToList();

        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddServiceDiscoveryDestinationResolver();
        return builder;
    }

    /// <summary>Forwards the public routes; any other address under <c>/api/</c> is a 404 problem, as an API client expects.</summary>
    public static WebApplication MapFrontDoor(this WebApplication app)
    {
        app.MapReverseProxy();
        app.Map("/api/{**rest}", NoSuchApi).WithName(nameof(NoSuchApi)).ExcludeFromDescription();
        return app;
    }

    public static ProblemHttpResult NoSuchApi(HttpRequest request) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Not found.",
        detail: $"No public API answers {request.Path}: the shop's APIs are /api/users, /api/products and /api/orders.");

    /// <summary>The web app's own pages may not be framed by another site, nor their type guessed, nor their address leaked to other sites.</summary>
    public static WebApplication UsePageSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (context.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<Yarp.ReverseProxy.Model.RouteModel>() is null)
                {
                    headers.XFrameOptions = "DENY";
                    headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                    headers.XContentTypeOptions = "nosniff";
                    headers["Referrer-Policy"] = "same-origin";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
