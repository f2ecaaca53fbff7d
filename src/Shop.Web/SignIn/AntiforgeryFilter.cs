using Microsoft.AspNetCore.Antiforgery;

namespace Shop.Web.SignIn;

public static class AntiforgeryFilter
{
    /// <summary>
    /// Refuses, with a 400, a form post without this site's antiforgery token. ASP.NET Core checks the token itself only
    /// where an endpoint binds form fields; these forms (sign out, remove a line, cancel an order) may carry none.
    /// </summary>
    public static TBuilder RequireAntiforgeryToken<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                await context.HttpContext.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context.HttpContext);
            }
            catch (AntiforgeryValidationException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form has expired.",
                    detail: "The form was sent without this site's token, or from another site: reload the page and try again.");
            }

            return await next(context);
        });
}
