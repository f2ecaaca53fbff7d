using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.UserService.Identity;

/// <summary>
/// Answers, before OpenIddict or the sign-in pages do in their own way, the requests to the routes OpenIddict serves
/// (authorization, token, end session, discovery) and to the sign-in and registration pages that they should not see: a method the route does not have gets the 405 problem with
/// <c>Allow</c> that every other route gives (OpenIddict answers 400 <c>invalid_request</c>); a token request past its address's limit gets the 429 problem, whatever its
/// grant, before its form is read or a client's secret checked; a request to any of them larger than
/// <see cref="MaxTokenRequestBytes"/> gets a 413 problem, without being read; and a token request whose form cannot be
/// read (a NUL in a value, or a charset such as UTF-7 that is not supported, which the framework refuses by throwing)
/// gets the OAuth 2.0 error <c>invalid_request</c> rather than a 500.
/// </summary>
internal static class IssuerRequestGuard
{
    /// <summary>
    /// A token, authorization or sign-out request, or a sign-in or registration form, is a few short fields (grant, client,
    /// code, verifier, scopes, addresses; email, password, name): 8 KB is ample.
    /// </summary>
    public const int MaxTokenRequestBytes = 8 * 1024;

    private static readonly Dictionary<PathString, string[]> MethodsByPath = new()
    {
        [ShopIdentity.AuthorizationPath] = [HttpMethods.Get, HttpMethods.Post],
        [ShopIdentity.TokenPath] = [HttpMethods.Post],
        [ShopIdentity.EndSessionPath] = [HttpMethods.Get, HttpMethods.Post],
        [BrowserSession.SignInPath] = [HttpMethods.Get, HttpMethods.Post],
        [BrowserSession.RegisterPath] = [HttpMethods.Get, HttpMethods.Post],
        ["/.well-known/openid-configuration"] = [HttpMethods.Get],
        ["/.well-known/jwks"] = [HttpMethods.Get]
    };

    // Read with the limit of the whole request for each value, so that a body sent without a length stops at the limit.
    private static readonly FormOptions TokenFormOptions = new()
    {
        KeyLengthLimit = MaxTokenRequestBytes,
        ValueLengthLimit = MaxTokenRequestBytes,
        ValueCountLimit = 64,
        BufferBody = false
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

            if (!allowed.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
            {
                context.Response.Headers.Allow = string.Join(", ", allowed);
                await WriteProblemAsync(context, StatusCodes.Status405MethodNotAllowed);
                return;
            }

            if (context.Request.Path == ShopIdentity.TokenPath
                && !await context.RequestServices.GetRequiredService<AddressLimits>().TryAcquireSignInAsync(context))
            {
                return;
            }

            if (!LimitBody(context))
            {
                await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, $"A request to the issuer is at most {MaxTokenRequestBytes} bytes.");
                return;
            }

            if (context.Request.HasFormContentType && await ReadFormAsync(context) is { } refusal)
            {
                if (refusal == StatusCodes.Status413PayloadTooLarge)
                {
                    await WriteProblemAsync(context, refusal, $"A request to the issuer is at most {MaxTokenRequestBytes} bytes.");
                    return;
                }

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

    /// <summary>
    /// False when the request says it is larger than a token request may be; else caps what the server will read of it,
    /// where the server can (Kestrel), so that a body without a length is cut off at the limit too.
    /// </summary>
    private static bool LimitBody(HttpContext context)
    {
        if (context.Request.ContentLength > MaxTokenRequestBytes)
        {
            return false;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxTokenRequestBytes;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, TokenFormOptions));
        return true;
    }

    /// <summary>Reads the form, which OpenIddict then finds read; null when it could be, else the status to refuse it with.</summary>
    private static async Task<int?> ReadFormAsync(HttpContext context)
    {
        try
        {
            await context.Request.ReadFormAsync(context.RequestAborted);
            return null;
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return StatusCodes.Status413PayloadTooLarge;
        }
        catch (Exception exception) when (exception is InvalidDataException or NotSupportedException)
        {
            // A value the framework refuses, or a charset it does not support (UTF-7).
            return StatusCodes.Status400BadRequest;
        }
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string? detail = null)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail }
        });
    }
}
