using Microsoft.AspNetCore.Http.HttpResults;
using Shop.ServiceDefaults.Errors;

namespace Shop.ProductService.Apis;

/// <summary>
/// Stock reservations, for the orders service only: hold all lines of an order or none, then confirm or
/// release. They take a service token with the "reservations" scope; a customer's token is refused.
/// </summary>
public static class ReservationsApi
{
    public static IEndpointRouteBuilder MapReservationsApi(this IEndpointRouteBuilder app)
    {
        // Fifty lines fit in a few kilobytes.
        var api = app.MapGroup("/reservations").WithTags("Reservations")
            .RequireAuthorization(ShopPolicies.Scope(ShopScopes.Reservations))
            .WithBodyLimit(16 * 1024);

        api.MapPost("/", Reserve).WithName(nameof(Reserve));
        // The orders service holds and confirms for the orders it is placing together (ReservationLimits.OrdersPerCall).
        api.MapPost("/batch", ReserveMany).WithName(nameof(ReserveMany)).WithBodyLimit(256 * 1024);
        api.MapPost("/batch/confirm", ConfirmMany).WithName(nameof(ConfirmMany));
        api.MapGet("/{orderId:int}", GetReservation).WithName(nameof(GetReservation));
        api.MapPost("/{orderId:int}/confirm", ConfirmReservation).WithName(nameof(ConfirmReservation));
        api.MapPost("/{orderId:int}/release", ReleaseReservation).WithName(nameof(ReleaseReservation));

        return app;
    }

    public static async Task<Results<Created<ReservationResponse>, Ok<ReservationResponse>, ProblemHttpResult>> Reserve(
        ReserveRequest request, ReservationStore store, CancellationToken cancellationToken) =>
        (await store.ReserveManyAsync([request], cancellationToken))[0] switch
        {
            ReserveResult.Held held => TypedResults.Created($"/reservations/{request.OrderId}", held.Reservation.ToResponse()),
            ReserveResult.Repeated { Reservation.Status: ReservationStatus.Released } => Released(request.OrderId),
            ReserveResult.Repeated repeated => TypedResults.Ok(repeated.Reservation.ToResponse()),
            ReserveResult.ShortOfStock shortOfStock => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Not enough stock.",
                detail: $"Not enough stock of product {string.Join(", ", shortOfStock.ProductIds)}; nothing was reserved.",
                extensions: new Dictionary<string, object?> { ["productIds"] = shortOfStock.ProductIds }),
            _ => throw new InvalidOperationException("Unknown reserve result.")
        };

    /// <summary>Holds stock for several orders at once, each all or nothing; answers where each order's reservation stands, in the order sent.</summary>
    public static async Task<Ok<List<ReservationStateResponse>>> ReserveMany(
        ReserveManyRequest request, ReservationStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ReserveManyAsync(request.Reservations, cancellationToken)).Select(result => result switch
        {
            ReserveResult.Held held => new ReservationStateResponse(held.Reservation.OrderId, held.Reservation.Status),
            ReserveResult.Repeated repeated => new ReservationStateResponse(repeated.Reservation.OrderId, repeated.Reservation.Status),
            ReserveResult.ShortOfStock shortOfStock => new ReservationStateResponse(shortOfStock.OrderId, null, shortOfStock.ProductIds),
            _ => throw new InvalidOperationException("Unknown reserve result.")
        }).ToList());

    /// <summary>Confirms the holds of several orders at once; answers where each order's reservation stands, in the order sent.</summary>
    public static async Task<Ok<List<ReservationStateResponse>>> ConfirmMany(
        ConfirmManyRequest request, ReservationStore store, CancellationToken cancellationToken)
    {
        await store.ConfirmAsync(request.OrderIds, cancellationToken);
        var statuses = await store.StatusesAsync(request.OrderIds, cancellationToken);
        return TypedResults.Ok(request.OrderIds
            .Select(id => new ReservationStateResponse(id, statuses.TryGetValue(id, out var status) ? status : null))
            .ToList());
    }

    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> GetReservation(
        int orderId, ReservationStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(orderId, cancellationToken) is { } reservation
            ? TypedResults.Ok(reservation.ToResponse())
            : NotFound(orderId);

    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> ConfirmReservation(
        int orderId, ReservationStore store, CancellationToken cancellationToken)
    {
        await store.ConfirmAsync([orderId], cancellationToken);
        return await store.FindAsync(orderId, cancellationToken) switch
        {
            null => NotFound(orderId),
            { Status: ReservationStatus.Released } => Released(orderId),
            var reservation => TypedResults.Ok(reservation.ToResponse())
        };
    }

    public static async Task<NoContent> ReleaseReservation(int orderId, ReservationStore store, CancellationToken cancellationToken)
    {
        await store.ReleaseAsync(orderId, onlyIfHeld: false, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound(int orderId) =>
        Problems.NotFound("Reservation", orderId, $"There is no reservation for order {orderId}.");

    private static ProblemHttpResult Released(int orderId) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Reservation released.",
        detail: $"The stock for order {orderId} was released; it cannot be held or confirmed again.");
}
