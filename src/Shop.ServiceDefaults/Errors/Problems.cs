using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.ServiceDefaults.Errors;

/// <summary>The problems every API answers the same way.</summary>
public static class Problems
{
    /// <summary>404: there is no <paramref name="thing"/> (a user, a product) with that id, or none that the caller may see.</summary>
    public static ProblemHttpResult NotFound(string thing, int id, string? detail = null) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: $"{thing} not found.",
        detail: detail ?? $"There is no {thing.ToLowerInvariant()} with id {id}.");
}
