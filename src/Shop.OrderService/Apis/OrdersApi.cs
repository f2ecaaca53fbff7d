using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Security;

namespace Shop.OrderService.Apis;

public static class OrdersApi
{
    // Compiled once: reading an order, the most frequent request, then neither builds nor looks up its expression tree.
    private static readonly Func<OrdersDbContext, int, CancellationToken, Task<Order?>> FindVisibleOrder = EF.CompileAsyncQuery(
        (OrdersDbContext db, int id, CancellationToken _) =>
            db.Orders.Include(o => o.Lines).AsNoTracking().FirstOrDefault(o => o.Id == id && o.Status != OrderStatus.Failed));

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        // Customers place, read and cancel their own orders; an admin reads and cancels any. Others' orders do not exist for them.
        // Fifty lines fit in a few kilobytes; anything much larger is refused with a 413.
        var api = app.MapGroup("/orders").WithTags("Orders").RequireAuthorization(ShopPolicies.SignedInUser).WithBodyLimit(16 * 1024);

        api.MapGet("/", ListOrders).WithName(nameof(ListOrders));
        api.MapGet("/{id:int}", GetOrder).WithName(nameof(GetOrder));
        api.MapPost("/", PlaceOrder).WithName(nameof(PlaceOrder));
        api.MapPost("/{id:int}/cancel", CancelOrder).WithName(nameof(CancelOrder));

        return app;
    }

    /// <summary>A customer lists their own orders; an admin anyone's, or all without <c>userId</c>.</summary>
    public static async Task<Results<Ok<Page<OrderSummary>>, ProblemHttpResult>> ListOrders(
        [AsParameters] OrderQuery query, [AsParameters] PageRequest page, ClaimsPrincipal caller, OrdersDbContext db, CancellationToken cancellationToken)
    {
        var userId = caller.IsAdmin() ? query.UserId : query.UserId ?? caller.UserId();
        if (!caller.IsAdmin() && userId != caller.UserId())
        {
            return Problems.NotFound("User", userId ?? 0);
        }

        var orders = db.Orders.Include(o => o.Lines).Where(o => o.Status != OrderStatus.Failed);
        if (userId is { } id)
        {
            orders = orders.Where(o => o.UserId == id);
        }

        return TypedResults.Ok(await orders.OrderBy(o => o.Id).ToPageAsync(page, OrderSummary.From, cancellationToken));
    }

    /// <summary>An order with its user; one this replica keeps (<see cref="OrderCache"/>) is shown without the database.</summary>
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrder(
        int id, ClaimsPrincipal caller, OrdersDbContext db, OrderCache orders, UsersClient users, CancellationToken cancellationToken)
    {
        if (await orders.TryGetAsync(id) is var (kept, userEntry))
        {
            return MayRead(kept, caller)
                ? TypedResults.Ok(OrderResponse.From(kept, await users.LookUpForDisplayAsync(kept.UserId, userEntry, cancellationToken)))
                : OrderNotFound(id);
        }

        var changesBefore = orders.Changes;
        var order = await FindVisibleOrder(db, id, cancellationToken);
        if (order is null)
        {
            return OrderNotFound(id);
        }

        orders.Keep(order, changesBefore);
        return MayRead(order, caller)
            ? TypedResults.Ok(OrderResponse.From(order, await users.LookUpForDisplayAsync(order.UserId, cancellationToken)))
            : OrderNotFound(id);
    }

    /// <summary>Places an order; with an Idempotency-Key, repeats of the same request get the first answer.</summary>
    public static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest request,
        [FromHeader(Name = "Idempotency-Key"), StringLength(IdempotencyRecord.MaxKeyLength, MinimumLength = 1),
         RegularExpression(IdempotencyRecord.KeyPattern, ErrorMessage = IdempotencyRecord.KeyRule)] string? idempotencyKey,
        ClaimsPrincipal caller,
        IdempotentPlacement placement,
        CancellationToken cancellationToken)
    {
        var userId = caller.UserId() ?? throw new InvalidOperationException("The signed-in user policy admits only people.");
        return await placement.PlaceAsync(userId, idempotencyKey, request, cancellationToken) switch
        {
            PlacementResult.Placed placed => TypedResults.Created($"/orders/{placed.Order.Id}", placed.Order),
            PlacementResult.Refused refused => Refusal(refused),
            var other => throw new UnreachableException($"Unknown placement result {other}.")
        };
    }

    /// <summary>Cancels a confirmed order and releases its stock; cancelling again changes nothing. A customer cancels their own orders, an admin any.</summary>
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelOrder(
        int id, ClaimsPrincipal caller, OrdersDbContext db, OrderLifecycle lifecycle, UsersClient users, CancellationToken cancellationToken)
    {
        var order = await FindAsync(db, id, caller, cancellationToken);
        if (order is null)
        {
            return OrderNotFound(id);
        }

        return await lifecycle.CancelAsync(order, cancellationToken) switch
        {
            CancellationResult.Cancelled cancelled =>
                TypedResults.Ok(OrderResponse.From(cancelled.Order, await users.LookUpForDisplayAsync(order.UserId, cancellationToken))),
            CancellationResult.StillBeingPlaced => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Order still being placed.",
                detail: $"Order {id} is still being placed; cancel it once it is confirmed."),
            var other => throw new UnreachableException($"Unknown cancellation result {other}.")
        };
    }

    /// <summary>The order, if the caller may see it.</summary>
    private static async Task<Order?> FindAsync(OrdersDbContext db, int id, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        await FindVisibleOrder(db, id, cancellationToken) is { } order && MayRead(order, caller) ? order : null;

    /// <summary>Whether the caller may see the order: their own, or anyone's for an admin.</summary>
    private static bool MayRead(Order order, ClaimsPrincipal caller) => order.UserId == caller.UserId() || caller.IsAdmin();

    private static ProblemHttpResult OrderNotFound(int id) => Problems.NotFound("Order", id);

    /// <summary>A refused placement as the client hears it.</summary>
    private static ProblemHttpResult Refusal(PlacementResult.Refused refused)
    {
        var (status, title) = refused.Reason switch
        {
            RefusalReason.UnknownUser => (StatusCodes.Status404NotFound, "User not found."),
            RefusalReason.UnknownProduct => (StatusCodes.Status404NotFound, "Product not found."),
            RefusalReason.MixedCurrencies => (StatusCodes.Status422UnprocessableEntity, "The order cannot be priced."),
            RefusalReason.OutOfStock => (StatusCodes.Status409Conflict, "Not enough stock."),
            RefusalReason.KeyReused => (StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused."),
            RefusalReason.KeyInUse => (StatusCodes.Status409Conflict, "Request in progress."),
            _ => throw new UnreachableException($"Unknown refusal {refused.Reason}.")
        };
        return TypedResults.Problem(statusCode: status, title: title, detail: refused.Detail,
            extensions: refused.ProductIds is { } productIds ? new Dictionary<string, object?> { ["productIds"] = productIds } : null);
    }
}
