using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Mvc;

namespace Shop.UserService.Identity;

/// <summary>
/// An authorization or end-session request that OpenIddict refused and cannot send back to the app: its client or
/// redirect address is unknown or not registered, so the error would go to an address no one vouched for. OpenIddict
/// leaves it to the application (error pass-through), and the browser gets it here, before any endpoint, as the problem
/// every other refusal of the shop is, with OpenIddict's OAuth error code and description.
/// </summary>
internal static class InvalidSignInRequest
{
    public static WebApplication UseInvalidSignInRequests(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.GetOpenIddictServerResponse() is not { Error: { } error } response)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The sign-in request is not valid.",
                    Detail = response.ErrorDescription,
                    Extensions = { ["error"] = error }
                }
            });
        });
        return app;
    }
}
