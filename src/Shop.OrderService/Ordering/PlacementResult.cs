using Microsoft.AspNetCore.Mvc;
using Shop.OrderService.Model;

namespace Shop.OrderService.Ordering;

/// <summary>The answer to a POST /orders: the order placed, or a problem. Kept as is for repeats of an Idempotency-Key.</summary>
public sealed record PlacementResult(OrderResponse? Order, ProblemDetails? Problem)
{
    public int StatusCode => Order is not null ? StatusCodes.Status201Created : Problem?.Status ?? StatusCodes.Status500InternalServerError;

    public static PlacementResult Placed(OrderResponse order) => new(order, null);

    public static PlacementResult Refused(int status, string title, string detail, IReadOnlyList<int>? productIds = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (productIds is not null)
        {
            problem.Extensions["productIds"] = productIds;
        }

        return new(null, problem);
    }
}
