using Microsoft.AspNetCore.Mvc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Identity;

/// <summary>
/// Answers, before OpenIddict does in its own way, two kinds of request to the routes OpenIddict serves: a method
/// the route does not have gets the 405 problem with <c>Allow</c> that every other route gives (OpenIddict answers
/// 400 <c>invalid_request</c>), and a token request whose form cannot be read (a NUL in a value, or a charset such as
/// UTF-7 that is not supported, which the framework refuses by throwing) gets the OAuth 2.0 error <c>invalid_request</c> rather than a 500.
/// </summary>
internal static class IssuerRequestGuard
{
    private static readonly Dictionary<PathString, string> MethodsByPath = new()
    {
        [ShopIdentity.TokenPath] = HttpMethods.Post,
        ["/.well-known/openid-configuration"] = HttpMethods.Get,
        ["/.well-known/jwks"] = HttpMethods.Get
    };

    public static WebApplication UseIssuerRequestGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!MethodsByPath.TryGetValue(context.Request.Path, out var allowed))
            {
                await next(context);
                return;
            }

            if (!string.Equals(context.Request.Method, allowed, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = allowed;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = StatusCodes.Status405MethodNotAllowed }
                });
                return;
            }

            if (context.Request.HasFormContentType && !await FormIsReadableAsync(context))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                context.Response.Headers.CacheControl = "no-store";
                await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
                {
                    [Parameters.Error] = Errors.InvalidRequest,
                    [Parameters.ErrorDescription] = "The request's form could not be read: a value holds a character that is not allowed, the form is too large, or its charset is not supported."
                });
                return;
            }

            await next(context);
        });
        return app;
    }

    private static async Task<bool> FormIsReadableAsync(HttpContext context)
    {
        try
        {
            await context.Request.ReadFormAsync(context.RequestAborted);
            return true;
        }
        catch (Exception exception) when (exception is InvalidDataException or NotSupportedException)
        {
            // A value the framework refuses, or a charset it does not support (UTF-7).
            return false;
        }
    }
}
