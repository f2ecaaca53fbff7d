using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Shop.Web.Checkout;

/// <summary>The cancel buttons of "My orders" and the back office, each a form posted here and answered with a redirect back.</summary>
public static class OrderEndpoints
{
    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/orders/{id:int}/cancel", CancelOrder).WithName(nameof(CancelOrder))
            .RequireAuthorization().RequireAntiforgeryToken().ExcludeFromDescription();
        return app;
    }

    /// <summary>Cancels the order (the orders service decides who may) and goes back to the page the button was on.</summary>
    public static async Task<RedirectHttpResult> CancelOrder(
        int id, [FromForm] string? returnUrl, OrdersClient orders, CancellationToken cancellationToken)
    {
        var back = SignInEndpoints.LocalOrHome(returnUrl);
        var separator = back.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        try
        {
            return TypedResults.Redirect(await orders.CancelAsync(id, cancellationToken)
                ? $"{back}{separator}cancelled={id}"
                : $"{back}{separator}notcancelled={id}");
        }
        catch (ServiceUnavailableException)
        {
            return TypedResults.Redirect($"{back}{separator}unavailable={id}");
        }
        catch (SessionExpiredException)
        {
            return TypedResults.Redirect(SignInEndpoints.SignInAddress(back));
        }
    }
}
