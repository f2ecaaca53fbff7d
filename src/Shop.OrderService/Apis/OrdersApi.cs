using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Model;
using Shop.OrderService.Ordering;
using Shop.ServiceDefaults;

namespace Shop.OrderService.Apis;

public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/orders").WithTags("Orders");

        api.MapGet("/", ListOrders).WithName(nameof(ListOrders));
        api.MapGet("/{id:int}", GetOrder).WithName(nameof(GetOrder));
        api.MapPost("/", PlaceOrder).WithName(nameof(PlaceOrder));
        api.MapPost("/{id:int}/cancel", CancelOrder).WithName(nameof(CancelOrder));

        return app;
    }

    public static async Task<Ok<Page<OrderSummary>>> ListOrders(
        [AsParameters] OrderQuery query, [AsParameters] PageRequest page, OrdersDbContext db, CancellationToken cancellationToken)
    {
        var orders = db.Orders.Include(o => o.Lines).Where(o => o.Status != OrderStatus.Failed);
        if (query.UserId is { } userId)
        {
            orders = orders.Where(o => o.UserId == userId);
        }

        return TypedResults.Ok(await orders.OrderBy(o => o.Id).ToPageAsync(page, OrderSummary.From, cancellationToken));
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrder(
        int id, OrdersDbContext db, UsersClient users, CancellationToken cancellationToken)
    {
        var order = await FindAsync(db, id, cancellationToken);
        if (order is null)
        {
            return OrderNotFound(id);
        }

        var user = await users.GetAsync(order.UserId, cancellationToken);
        return TypedResults.Ok(OrderResponse.From(order, user));
    }

    /// <summary>Places an order; with an Idempotency-Key, repeats of the same request get the first answer.</summary>
    public static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest request,
        [FromHeader(Name = "Idempotency-Key"), StringLength(IdempotencyRecord.MaxKeyLength, MinimumLength = 1)] string? idempotencyKey,
        IdempotentPlacement placement,
        CancellationToken cancellationToken)
    {
        var result = await placement.PlaceAsync(idempotencyKey, request, cancellationToken);
        return result.Order is { } order
            ? TypedResults.Created($"/orders/{order.Id}", order)
            : TypedResults.Problem(result.Problem!);
    }

    /// <summary>Cancels a confirmed order and releases its stock; cancelling again changes nothing.</summary>
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelOrder(
        int id, OrdersDbContext db, ProductsClient products, UsersClient users, CancellationToken cancellationToken)
    {
        var order = await FindAsync(db, id, cancellationToken);
        if (order is null)
        {
            return OrderNotFound(id);
        }

        if (order.Status == OrderStatus.Pending)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Order still being placed.",
                detail: $"Order {id} is still being placed; cancel it once it is confirmed.");
        }

        if (order.Status == OrderStatus.Confirmed)
        {
            await products.ReleaseAsync(order.Id, cancellationToken);
            await db.Orders
                .Where(o => o.Id == id && o.Status == OrderStatus.Confirmed)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.Status, OrderStatus.Cancelled), cancellationToken);
            order.Status = OrderStatus.Cancelled;
        }

        return TypedResults.Ok(OrderResponse.From(order, await users.GetAsync(order.UserId, cancellationToken)));
    }

    private static Task<Order?> FindAsync(OrdersDbContext db, int id, CancellationToken cancellationToken) =>
        db.Orders.Include(o => o.Lines).AsNoTracking()
            .FirstOrDefaultAsync(o => o.Id == id && o.Status != OrderStatus.Failed, cancellationToken);

    private static ProblemHttpResult OrderNotFound(int id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Order not found.",
        detail: $"There is no order with id {id}.");
}
