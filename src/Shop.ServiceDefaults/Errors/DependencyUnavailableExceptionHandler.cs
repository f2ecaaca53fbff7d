using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Shop.ServiceDefaults.Errors;

/// <summary>
/// Answers 503 with Retry-After, naming in <c>dependency</c> what is away: another service
/// (<see cref="DependencyUnavailableException"/>) or the service's own database (<see cref="IServiceDatabase"/>).
/// </summary>
internal sealed class DependencyUnavailableExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<DependencyUnavailableExceptionHandler> logger,
    IServiceDatabase? database = null) : IExceptionHandler
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "A service this request depends on is unavailable."
        };
        var retryAfter = DefaultRetryAfter;
        switch (exception)
        {
            case DependencyUnavailableException { InnerException: BrokenCircuitException brokenCircuit } unavailable:
                // The call was not even tried: after repeated failures, calls are refused until the circuit half-opens.
                logger.LogWarning("Answering 503: calls to the {Dependency} service are paused after repeated failures", unavailable.Dependency);
                problem.Detail = $"Calls to the {unavailable.Dependency} service are paused after repeated failures.";
                problem.Extensions["dependency"] = unavailable.Dependency;
                problem.Extensions["circuit"] = "open";
                retryAfter = brokenCircuit.RetryAfter ?? retryAfter;
                break;
            case DependencyUnavailableException unavailable:
                logger.LogWarning(exception, "Answering 503: the {Dependency} service is unavailable", unavailable.Dependency);
                problem.Detail = unavailable.Message;
                problem.Extensions["dependency"] = unavailable.Dependency;
                break;
            case not null when database is not null && database.IsOutage(exception):
                logger.LogWarning(exception, "Answering 503: the database {Database} is unavailable", database.Name);
                problem.Detail = $"The database {database.Name} is unavailable.";
                problem.Extensions["dependency"] = database.Name;
                break;
            default:
                return false;
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
