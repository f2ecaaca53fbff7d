using Microsoft.EntityFrameworkCore.Storage;

namespace Shop.ProductService.Reservations;

/// <summary>
/// Holds, confirms and releases stock for orders. Every change of stock is a conditional update in a
/// transaction, so that stock never goes negative and a reservation is released at most once, however
/// many requests or replicas of this service race.
/// </summary>
public sealed class ReservationStore(ProductsDbContext db, ReservationMetrics metrics, TimeProvider clock, ILogger<ReservationStore> logger)
{
    // Compiled once: reading an order's reservation, for a GET or after a confirm.
    private static readonly Func<ProductsDbContext, int, CancellationToken, Task<Reservation?>> FindReservation = EF.CompileAsyncQuery(
        (ProductsDbContext db, int orderId, CancellationToken _) =>
            db.Reservations.Include(r => r.Lines).AsNoTracking().FirstOrDefault(r => r.OrderId == orderId));

    /// <summary>
    /// Holds the stock of several orders in one transaction, one commit for all: each order all or nothing, in the order
    /// given, as if each were reserved alone.
    /// </summary>
    public async Task<IReadOnlyList<ReserveResult>> ReserveManyAsync(IReadOnlyList<ReserveRequest> requests, CancellationToken cancellationToken)
    {
        IReadOnlyList<ReserveResult>? results;
        do
        {
            results = await db.InTransactionAsync((transaction, attempt) => TryReserveManyAsync(transaction, requests, attempt), cancellationToken);
        }
        while (results is null);

        foreach (var held in results.OfType<ReserveResult.Held>())
        {
            metrics.Held();
            logger.LogDebug("Held stock on {LineCount} lines for order {OrderId}", held.Reservation.Lines.Count, held.Reservation.OrderId);
        }

        return results;
    }

    /// <summary>
    /// One pass of <see cref="ReserveManyAsync"/>: decides each order against the stock as read, then takes each product's
    /// total in one conditional update. Answers null, having changed nothing, when another writer took that stock or
    /// reserved one of the orders since the read.
    /// </summary>
    private async Task<IReadOnlyList<ReserveResult>?> TryReserveManyAsync(
        IDbContextTransaction transaction, IReadOnlyList<ReserveRequest> requests, CancellationToken cancellationToken)
    {
        var orderIds = requests.Select(r => r.OrderId).ToList();
        var existing = await db.Reservations.Include(r => r.Lines).AsNoTracking()
            .Where(r => orderIds.Contains(r.OrderId))
            .ToDictionaryAsync(r => r.OrderId, cancellationToken);
        var productIds = requests.SelectMany(r => r.Lines).Select(l => l.ProductId).Distinct().ToList();
        var stock = await db.Products.AsNoTracking()
            .Where(p => productIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.Stock, cancellationToken);

        var now = clock.GetStoredNow().UtcDateTime;
        var taken = new Dictionary<int, int>();
        var results = new List<ReserveResult>(requests.Count);
        foreach (var request in requests)
        {
            if (existing.TryGetValue(request.OrderId, out var reservation))
            {
                results.Add(new ReserveResult.Repeated(reservation));
                continue;
            }

            var shortOfStock = request.Lines.Where(l => stock.GetValueOrDefault(l.ProductId) < l.Quantity).Select(l => l.ProductId).Order().ToList();
            if (shortOfStock.Count > 0)
            {
                results.Add(new ReserveResult.ShortOfStock(request.OrderId, shortOfStock));
                continue;
            }

            foreach (var line in request.Lines)
            {
                stock[line.ProductId] -= line.Quantity;
                taken[line.ProductId] = taken.GetValueOrDefault(line.ProductId) + line.Quantity;
            }

            var held = new Reservation
            {
                OrderId = request.OrderId,
                Status = ReservationStatus.Held,
                CreatedAt = now,
                UpdatedAt = now,
                Lines = request.Lines.Select(l => new ReservationLine { ProductId = l.ProductId, Quantity = l.Quantity }).ToList()
            };
            db.Reservations.Add(held);
            results.Add(new ReserveResult.Held(held));
        }

        // In one order of products, so that two batches taking the same products never wait for each other's locks.
        foreach (var (productId, quantity) in taken.OrderBy(t => t.Key))
        {
            var updated = await db.Products
                .Where(p => p.Id == productId && p.Stock >= quantity)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.Stock, p => p.Stock - quantity), cancellationToken);
            if (updated == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
        }

        if (!await db.TrySaveChangesAsync(cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    public Task<Reservation?> FindAsync(int orderId, CancellationToken cancellationToken) => FindReservation(db, orderId, cancellationToken);

    /// <summary>
    /// Keeps the held stock of orders for good, in one statement. Confirming twice is harmless; a released reservation
    /// cannot be confirmed.
    /// </summary>
    public async Task ConfirmAsync(IReadOnlyCollection<int> orderIds, CancellationToken cancellationToken)
    {
        var confirmed = await db.Reservations
            .Where(r => orderIds.Contains(r.OrderId) && r.Status == ReservationStatus.Held)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Status, ReservationStatus.Confirmed)
                .SetProperty(r => r.UpdatedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
        metrics.Confirmed(confirmed);
    }

    /// <summary>The status of each order's reservation, by order id; an order without one is missing.</summary>
    public async Task<IReadOnlyDictionary<int, ReservationStatus>> StatusesAsync(IReadOnlyCollection<int> orderIds, CancellationToken cancellationToken) =>
        await db.Reservations.AsNoTracking()
            .Where(r => orderIds.Contains(r.OrderId))
            .ToDictionaryAsync(r => r.OrderId, r => r.Status, cancellationToken);

    /// <summary>
    /// Gives the stock of an order back. Releasing twice is harmless. Releasing an order that holds
    /// nothing records the release, so that a reserve arriving late for that order holds nothing either.
    /// </summary>
    /// <param name="onlyIfHeld">Release only a hold that was never confirmed, as the sweep does.</param>
    /// <returns>Whether this call gave stock back.</returns>
    public async Task<bool> ReleaseAsync(int orderId, bool onlyIfHeld, CancellationToken cancellationToken)
    {
        // A reserve for this order may commit between finding no reservation and recording the release; the record
        // then conflicts with it, and the next pass releases what that reserve held.
        bool? released;
        do
        {
            released = await db.InTransactionAsync((transaction, attempt) => TryReleaseAsync(transaction, orderId, onlyIfHeld, attempt), cancellationToken);
        }
        while (released is null);

        if (released == true)
        {
            metrics.Released(expired: onlyIfHeld);
            logger.LogInformation("Released the stock held for order {OrderId}", orderId);
        }

        return released.Value;
    }

    /// <summary>One pass of <see cref="ReleaseAsync"/>: whether it gave stock back, or null when a reserve raced it.</summary>
    private async Task<bool?> TryReleaseAsync(IDbContextTransaction transaction, int orderId, bool onlyIfHeld, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var released = await GiveBackAsync(orderId, onlyIfHeld, cancellationToken);
        if (!released && !onlyIfHeld && !await db.Reservations.AnyAsync(r => r.OrderId == orderId, cancellationToken))
        {
            db.Reservations.Add(new Reservation { OrderId = orderId, Status = ReservationStatus.Released, CreatedAt = now, UpdatedAt = now });
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return released;
    }

    /// <summary>
    /// Gives back the stock of a cancelled order, in the caller's transaction: the handling of its
    /// <see cref="OrderCancelled"/> event, whose record in the inbox commits with it. An order cancelled twice, or whose
    /// stock is back already, gives nothing back.
    /// </summary>
    public async Task GiveBackCancelledAsync(int orderId, CancellationToken cancellationToken)
    {
        if (await GiveBackAsync(orderId, onlyIfHeld: false, cancellationToken))
        {
            metrics.Released(expired: false);
            logger.LogInformation("Released the stock of cancelled order {OrderId}", orderId);
        }
    }

    /// <summary>Marks the order's hold Released and returns its quantities to stock; whether there was a hold to release.</summary>
    private async Task<bool> GiveBackAsync(int orderId, bool onlyIfHeld, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var released = await db.Reservations
            .Where(r => r.OrderId == orderId && (r.Status == ReservationStatus.Held || (!onlyIfHeld && r.Status == ReservationStatus.Confirmed)))
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Status, ReservationStatus.Released)
                .SetProperty(r => r.UpdatedAt, now), cancellationToken);
        if (released != 1)
        {
            return false;
        }

        var lines = await db.ReservationLines.Where(l => l.OrderId == orderId).AsNoTracking().ToListAsync(cancellationToken);
        foreach (var line in lines.OrderBy(l => l.ProductId))
        {
            await db.Products
                .Where(p => p.Id == line.ProductId)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.Stock, p => p.Stock + line.Quantity), cancellationToken);
        }

        return true;
    }

    /// <summary>Releases every hold older than <paramref name="holdTimeout"/> that was never confirmed.</summary>
    public async Task<int> ReleaseExpiredAsync(TimeSpan holdTimeout, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - holdTimeout;
        var expired = await db.Reservations
            .Where(r => r.Status == ReservationStatus.Held && r.CreatedAt < cutoff)
            .Select(r => r.OrderId)
            .ToListAsync(cancellationToken);

        var count = 0;
        foreach (var orderId in expired)
        {
            if (await ReleaseAsync(orderId, onlyIfHeld: true, cancellationToken))
            {
                logger.LogWarning("Released the stock of order {OrderId}: it was held for over {HoldTimeout} without confirmation", orderId, holdTimeout);
                count++;
            }
        }

        return count;
    }
}
