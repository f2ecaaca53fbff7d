using System.Diagnostics;
using Shop.Events.Outbox;

namespace Shop.OrderService.Ordering.Batching;

/// <summary>
/// The steps of placing an order that write, carried out for the orders being placed together (<see cref="BatchedStep{TItem, TResult}"/>):
/// one commit stores them all as Pending, one call to the products service holds their stock and one confirms it, and
/// one commit marks them Confirmed. Each order keeps its own outcome: one short of stock, or moved by recovery, does not
/// change another's. Under load, most of an order's cost was these round trips and commits, each flushed to disk.
/// </summary>
public sealed class BatchedPlacementSteps : IAsyncDisposable
{
    private static readonly ActivitySource Activities = new(typeof(BatchedPlacementSteps).Assembly.GetName().Name!);

    private readonly IServiceScopeFactory _scopes;
    private readonly BatchedStep<Order, Order> _store;
    private readonly BatchedStep<Order, StockHold> _reserve;
    private readonly BatchedStep<int, StockHold> _confirm;
    private readonly BatchedStep<int, bool> _markConfirmed;

    public BatchedPlacementSteps(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _store = new(Activities, "store orders", StoreAllAsync, ReservationLimits.OrdersPerCall);
        _reserve = new(Activities, "hold stock", orders => WithProductsAsync(products => products.ReserveManyAsync(orders, CancellationToken.None)), ReservationLimits.OrdersPerCall);
        _confirm = new(Activities, "confirm stock", orderIds => WithProductsAsync(products => products.ConfirmManyAsync(orderIds, CancellationToken.None)), ReservationLimits.OrdersPerCall);
        _markConfirmed = new(Activities, "mark orders confirmed", MarkAllConfirmedAsync, ReservationLimits.OrdersPerCall);
    }

    /// <summary>Stores a new order; once this answers, it has its id and is on disk.</summary>
    public Task<Order> StoreAsync(Order order, CancellationToken cancellationToken) => _store.RunAsync(order, cancellationToken);

    /// <summary>Holds the stock of every line of the order, or of none. Repeating it for the same order holds nothing more.</summary>
    public Task<StockHold> ReserveAsync(Order order) => _reserve.RunAsync(order, CancellationToken.None);

    /// <summary>Keeps the order's held stock for good.</summary>
    public Task<StockHold> ConfirmAsync(int orderId) => _confirm.RunAsync(orderId, CancellationToken.None);

    /// <summary>Marks a Pending order Confirmed; answers false when it is no longer Pending (recovery took it over).</summary>
    public Task<bool> MarkConfirmedAsync(int orderId) => _markConfirmed.RunAsync(orderId, CancellationToken.None);

    private async Task<IReadOnlyList<Order>> StoreAllAsync(IReadOnlyList<Order> orders)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        db.Orders.AddRange(orders);
        await db.SaveChangesAsync(CancellationToken.None);
        return orders;
    }

    private async Task<IReadOnlyList<bool>> MarkAllConfirmedAsync(IReadOnlyList<int> orderIds)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IntegrationEventOutbox>();
        // One statement per order, each conditional on Pending, so that each order's answer is its own; one commit for
        // all, with the event of each order that moved.
        var marked = await db.InTransactionAsync(async (transaction, attempt) =>
        {
            var moved = new List<bool>(orderIds.Count);
            foreach (var orderId in orderIds)
            {
                moved.Add(await db.Orders
                    .Where(o => o.Id == orderId && o.Status == OrderStatus.Pending)
                    .ExecuteUpdateAsync(set => set.SetProperty(o => o.Status, OrderStatus.Confirmed), attempt) == 1);
            }

            var confirmed = orderIds.Where((_, i) => moved[i]).ToList();
            foreach (var order in await db.Orders.AsNoTracking().Where(o => confirmed.Contains(o.Id)).ToListAsync(attempt))
            {
                outbox.Add(OrderEvents.Confirmed(order));
            }

            await db.SaveChangesAsync(attempt);
            await transaction.CommitAsync(attempt);
            return (IReadOnlyList<bool>)moved;
        }, CancellationToken.None);
        outbox.Nudge();
        return marked;
    }

    private async Task<IReadOnlyList<StockHold>> WithProductsAsync(Func<ProductsClient, Task<IReadOnlyList<StockHold>>> call)
    {
        await using var scope = _scopes.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<ProductsClient>());
    }

    public async ValueTask DisposeAsync()
    {
        // Not on the caller's context, as in BatchedStep.DisposeAsync.
        await _store.DisposeAsync().ConfigureAwait(false);
        await _reserve.DisposeAsync().ConfigureAwait(false);
        await _confirm.DisposeAsync().ConfigureAwait(false);
        await _markConfirmed.DisposeAsync().ConfigureAwait(false);
    }
}
