using Microsoft.EntityFrameworkCore;
using Shop.OrderService.Data;
using Shop.OrderService.Model;

namespace Shop.OrderService.Ordering;

/// <summary>
/// Status changes as conditional updates. Placement, cancellation and recovery may race for one order;
/// only the one whose update finds the order in the expected status goes on, so no step runs twice.
/// </summary>
internal static class OrderTransitions
{
    public static async Task<bool> MoveAsync(OrdersDbContext db, int orderId, OrderStatus from, OrderStatus to, CancellationToken cancellationToken) =>
        await db.Orders
            .Where(o => o.Id == orderId && o.Status == from)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.Status, to), cancellationToken) == 1;
}
