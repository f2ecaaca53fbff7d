using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.ServiceDefaults;

public static class HttpResponseExtensions
{
    /// <summary>Tells the client when to try again: <c>Retry-After</c> in whole seconds, at least one.</summary>
    public static void SetRetryAfter(this HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>The problems every API answers the same way.</summary>
public static class Problems
{
    /// <summary>404: there is no <paramref name="thing"/> (a user, a product) with that id, or none that the caller may see.</summary>
    public static ProblemHttpResult NotFound(string thing, int id, string? detail = null) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: $"{thing} not found.",
        detail: detail ?? $"There is no {thing.ToLowerInvariant()} with id {id}.");
}
