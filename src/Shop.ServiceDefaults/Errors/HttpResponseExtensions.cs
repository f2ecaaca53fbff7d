using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Errors;

public static class HttpResponseExtensions
{
    /// <summary>Tells the client when to try again: <c>Retry-After</c> in whole seconds, at least one.</summary>
    public static void SetRetryAfter(this HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Answers with <paramref name="problem"/>, through the problem details service as every other refusal; to a client
    /// whose <c>Accept</c> names no JSON (a browser asking for <c>text/html</c> only), which that service declines, it is
    /// written as JSON all the same: a refusal it may show as text is better than a 500.
    /// </summary>
    public static async Task WriteProblemAsync(this HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var written = await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        if (!written)
        {
            problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.TraceIdentifier);
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.RequestAborted);
        }
    }
}
