using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Shop.ServiceDefaults;

internal sealed class DependencyUnavailableExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<DependencyUnavailableExceptionHandler> logger) : IExceptionHandler
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DependencyUnavailableException unavailable)
        {
            return false;
        }

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "A service this request depends on is unavailable.",
            Detail = unavailable.Message,
            Extensions = { ["dependency"] = unavailable.Dependency }
        };
        var retryAfter = DefaultRetryAfter;
        if (unavailable.InnerException is BrokenCircuitException brokenCircuit)
        {
            // The call was not even tried: after repeated failures, calls are refused until the circuit half-opens.
            logger.LogWarning("Answering 503: calls to the {Dependency} service are paused after repeated failures", unavailable.Dependency);
            problem.Detail = $"Calls to the {unavailable.Dependency} service are paused after repeated failures.";
            problem.Extensions["circuit"] = "open";
            retryAfter = brokenCircuit.RetryAfter ?? retryAfter;
        }
        else
        {
            logger.LogWarning(exception, "Answering 503: the {Dependency} service is unavailable", unavailable.Dependency);
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.SetRetryAfter(retryAfter);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = problem
        });
    }
}
