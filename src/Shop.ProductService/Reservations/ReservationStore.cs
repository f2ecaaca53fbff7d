using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Shop.Contracts;
using Shop.ProductService.Data;
using Shop.ProductService.Model;
using Shop.ServiceDefaults;

namespace Shop.ProductService.Reservations;

/// <summary>
/// Holds, confirms and releases stock for orders. Every change of stock is a conditional update in a
/// transaction, so that stock never goes negative and a reservation is released at most once, however
/// many requests or replicas of this service race.
/// </summary>
public sealed class ReservationStore(ProductsDbContext db, ReservationMetrics metrics, TimeProvider clock, ILogger<ReservationStore> logger)
{
    // Compiled once: every reserve and confirm reads the order's reservation back.
    private static readonly Func<ProductsDbContext, int, CancellationToken, Task<Reservation?>> FindReservation = EF.CompileAsyncQuery(
        (ProductsDbContext db, int orderId, CancellationToken _) =>
            db.Reservations.Include(r => r.Lines).AsNoTracking().FirstOrDefault(r => r.OrderId == orderId));

    public Task<ReserveOutcome> ReserveAsync(ReserveRequest request, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async (transaction, attempt) =>
        {
            if (await FindAsync(request.OrderId, attempt) is { } existing)
            {
                return new ReserveOutcome.Repeated(existing);
            }

            var shortOfStock = new List<int>();
            // In one order of products, so that two orders taking the same products never wait for each other's locks.
            foreach (var line in request.Lines.OrderBy(l => l.ProductId))
            {
                var taken = await db.Products
                    .Where(p => p.Id == line.ProductId && p.Stock >= line.Quantity)
                    .ExecuteUpdateAsync(set => set.SetProperty(p => p.Stock, p => p.Stock - line.Quantity), attempt);
                if (taken == 0)
                {
                    shortOfStock.Add(line.ProductId);
                }
            }

            if (shortOfStock.Count > 0)
            {
                await transaction.RollbackAsync(attempt);
                return new ReserveOutcome.ShortOfStock(shortOfStock);
            }

            var now = clock.GetStoredNow().UtcDateTime;
            var reservation = new Reservation
            {
                OrderId = request.OrderId,
                Status = ReservationStatus.Held,
                CreatedAt = now,
                UpdatedAt = now,
                Lines = request.Lines.Select(l => new ReservationLine { ProductId = l.ProductId, Quantity = l.Quantity }).ToList()
            };
            db.Reservations.Add(reservation);
            if (!await db.TrySaveChangesAsync(attempt))
            {
                // Another request reserved for this order first; its reservation stands, this one is undone.
                await transaction.RollbackAsync(attempt);
                db.ChangeTracker.Clear();
                return (ReserveOutcome)new ReserveOutcome.Repeated(await FindAsync(request.OrderId, attempt)
                    ?? throw new InvalidOperationException($"The reservation for order {request.OrderId} vanished."));
            }

            await transaction.CommitAsync(attempt);
            metrics.Held();
            logger.LogDebug("Held stock on {LineCount} lines for order {OrderId}", reservation.Lines.Count, request.OrderId);
            return new ReserveOutcome.Held(reservation);
        }, cancellationToken);

    public Task<Reservation?> FindAsync(int orderId, CancellationToken cancellationToken) => FindReservation(db, orderId, cancellationToken);

    /// <summary>Keeps held stock for good. Confirming twice is harmless; a released reservation cannot be confirmed.</summary>
    public async Task<Reservation?> ConfirmAsync(int orderId, CancellationToken cancellationToken)
    {
        var confirmed = await db.Reservations
            .Where(r => r.OrderId == orderId && r.Status == ReservationStatus.Held)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Status, ReservationStatus.Confirmed)
                .SetProperty(r => r.UpdatedAt, clock.GetUtcNow().UtcDateTime), cancellationToken);
        if (confirmed == 1)
        {
            metrics.Confirmed();
        }

        return await FindAsync(orderId, cancellationToken);
    }

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
        var released = await db.Reservations
            .Where(r => r.OrderId == orderId && (r.Status == ReservationStatus.Held || (!onlyIfHeld && r.Status == ReservationStatus.Confirmed)))
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Status, ReservationStatus.Released)
                .SetProperty(r => r.UpdatedAt, now), cancellationToken);

        if (released == 1)
        {
            var lines = await db.ReservationLines.Where(l => l.OrderId == orderId).AsNoTracking().ToListAsync(cancellationToken);
            foreach (var line in lines.OrderBy(l => l.ProductId))
            {
                await db.Products
                    .Where(p => p.Id == line.ProductId)
                    .ExecuteUpdateAsync(set => set.SetProperty(p => p.Stock, p => p.Stock + line.Quantity), cancellationToken);
            }
        }
        else if (!onlyIfHeld && !await db.Reservations.AnyAsync(r => r.OrderId == orderId, cancellationToken))
        {
            db.Reservations.Add(new Reservation { OrderId = orderId, Status = ReservationStatus.Released, CreatedAt = now, UpdatedAt = now });
            if (!await db.TrySaveChangesAsync(cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return null;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return released == 1;
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

/// <summary>What a reserve did.</summary>
public abstract record ReserveOutcome
{
    public sealed record Held(Reservation Reservation) : ReserveOutcome;

    /// <summary>The order already has a reservation, in whatever state; nothing more was held.</summary>
    public sealed record Repeated(Reservation Reservation) : ReserveOutcome;

    public sealed record ShortOfStock(IReadOnlyList<int> ProductIds) : ReserveOutcome;
}
