using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Shop.ServiceDefaults.Errors;

namespace Microsoft.Extensions.Hosting;

public static partial class ProblemDetailsExtensions
{
    /// <summary>Makes every error an RFC 9457 problem with a traceId, and a dependency outage a 503 with Retry-After.</summary>
    public static TBuilder AddDefaultProblemDetails<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Detail ??= DefaultDetail(context.HttpContext, context.ProblemDetails.Status);
        });
        builder.Services.AddExceptionHandler<DependencyUnavailableExceptionHandler>();
        return builder;
    }

    /// <summary>What the client can do about a refusal that the framework answers before the endpoint runs.</summary>
    private static string? DefaultDetail(HttpContext httpContext, int? status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => EndpointOf(httpContext)?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is { } limit
            ? $"The request body is larger than the {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes this endpoint accepts."
            : "The request body is larger than this endpoint accepts.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON, with the header Content-Type: application/json.",
        StatusCodes.Status405MethodNotAllowed => $"This route does not answer {httpContext.Request.Method}.",
        StatusCodes.Status404NotFound => "Nothing answers at this path.",
        StatusCodes.Status401Unauthorized => "Send a valid bearer token: sign in at the users service's /connect/token.",
        StatusCodes.Status403Forbidden => "Your token does not allow this request.",
        _ => null
    };

    /// <summary>The endpoint of the request; the exception handler has taken it off the context by the time it writes.</summary>
    private static Endpoint? EndpointOf(HttpContext httpContext) =>
        httpContext.GetEndpoint() ?? httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;

    /// <summary>Turns unhandled exceptions and empty error responses into problem responses, and logs each request that failed.</summary>
    public static WebApplication UseDefaultProblemDetails(this WebApplication app)
    {
        var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Requests");
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            await next(context);
            if (context.Response.StatusCode >= StatusCodes.Status400BadRequest)
            {
                LogFailedRequest(requests, context.Request.Method, context.Request.Path, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Bad requests that Kestrel or the body reader reject carry their own status (400, 413, ...).
            StatusCodeSelector = exception => exception is BadHttpRequestException bad
                ? bad.StatusCode
                : StatusCodes.Status500InternalServerError
        });
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            // The JSON body reader throws on a charset that .NET does not know (a 500); that is the client's to fix.
            if (UnknownJsonCharset(context.Request) is { } charset)
            {
                await context.WriteProblemAsync(new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Detail = $"The body's charset '{charset}' is not one this service reads; send it as UTF-8."
                });
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>The charset of a JSON body when it names no encoding that the body reader could decode it with.</summary>
    private static string? UnknownJsonCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.Charset.HasValue
            || !(type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        try
        {
            Encoding.GetEncoding(type.Charset.Value!);
            return null;
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
        {
            // Unknown, or known but not supported (UTF-7).
            return type.Charset.Value;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {StatusCode} in {ElapsedMilliseconds:0} ms")]
    private static partial void LogFailedRequest(ILogger logger, string method, PathString path, int statusCode, double elapsedMilliseconds);
}
