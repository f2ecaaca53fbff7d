using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Contracts;
using Shop.Events.Inbox;

namespace Shop.Events.Apis;

/// <summary>
/// The dead letters of the service's inbox, for administrators: list them, and replay one once its handler is fixed.
/// A replay makes the event due again with its attempts reset; the retry worker handles it within a second or so, and
/// it is then no dead letter any more: replaying it again answers 404, as for an id that never was one.
/// </summary>
public static class DeadLettersApi
{
    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/events/dead-letters").WithTags("Events").RequireAuthorization(ShopPolicies.Admin);

        api.MapGet("/", ListDeadLetters).WithName(nameof(ListDeadLetters));
        api.MapPost("/{id:guid}/replay", ReplayDeadLetter).WithName(nameof(ReplayDeadLetter));

        return app;
    }

    public static async Task<Results<Ok<Page<DeadLetterResponse>>, ValidationProblem>> ListDeadLetters(
        [AsParameters] PageRequest page, DeadLetters deadLetters, CancellationToken cancellationToken)
    {
        // Checked here as well: the service's validation sees only the types of its own endpoints.
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(page, new ValidationContext(page), errors, validateAllProperties: true))
        {
            return TypedResults.ValidationProblem(errors
                .SelectMany(error => error.MemberNames.Select(member => (Member: member, error.ErrorMessage)))
                .GroupBy(error => error.Member, error => error.ErrorMessage ?? "The value is not valid.")
                .ToDictionary(group => group.Key, group => group.ToArray()));
        }

        return TypedResults.Ok(await deadLetters.ListAsync(page, cancellationToken));
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> ReplayDeadLetter(
        Guid id, DeadLetters deadLetters, CancellationToken cancellationToken) =>
        await deadLetters.ReplayAsync(id, cancellationToken)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Dead letter not found.",
                detail: $"There is no dead letter with id {id}: none came, or it was replayed already.");
}
