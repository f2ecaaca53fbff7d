using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Shop.Web.Baskets;

/// <summary>
/// The basket page's forms, one per line, each posted here with its antiforgery token and answered with a redirect back
/// to the basket, so that a refresh never posts twice.
/// </summary>
public static class BasketEndpoints
{
    public const string QuantityProblem = "quantity";

    public static IEndpointRouteBuilder MapBasketEndpoints(this IEndpointRouteBuilder app)
    {
        var basket = app.MapGroup("/basket/lines").RequireAntiforgeryToken().ExcludeFromDescription();
        basket.MapPost("/{productId:int}", UpdateLine).WithName(nameof(UpdateLine));
        basket.MapPost("/{productId:int}/remove", RemoveLine).WithName(nameof(RemoveLine));
        return app;
    }

    /// <summary>Sets a line's quantity (0 removes it); anything but a whole number from 0 to the most a line takes is refused.</summary>
    public static async Task<RedirectHttpResult> UpdateLine(
        int productId, [FromForm] string? quantity, HttpContext context, BasketStore baskets, CancellationToken cancellationToken)
    {
        if (!int.TryParse(quantity, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > BasketRules.MaxQuantity)
        {
            return TypedResults.Redirect($"/basket?problem={QuantityProblem}");
        }

        await baskets.SetQuantityAsync(context.BasketOwner(), productId, count, cancellationToken);
        return TypedResults.Redirect("/basket");
    }

    public static async Task<RedirectHttpResult> RemoveLine(
        int productId, HttpContext context, BasketStore baskets, CancellationToken cancellationToken)
    {
        await baskets.SetQuantityAsync(context.BasketOwner(), productId, 0, cancellationToken);
        return TypedResults.Redirect("/basket");
    }

    /// <summary>Whose basket the request means: the signed-in person's, else the one its cookie names.</summary>
    public static BasketOwner BasketOwner(this HttpContext context) =>
        context.User.UserId() is { } userId ? new(userId, null) : new(null, BasketCookie.Read(context));
}
