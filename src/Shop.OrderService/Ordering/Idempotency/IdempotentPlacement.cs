using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Shop.OrderService.Ordering.Idempotency;

/// <summary>
/// <c>POST /orders</c>: places an order through <see cref="OrderLifecycle"/>, and makes it safe to repeat with an
/// Idempotency-Key. The first request with a key places the order; every repeat with the same key and body gets the
/// first one's result, even while the first is still running.
/// </summary>
/// <remarks>
/// <para>
/// A key keeps the placement's result (placed with the order, or refused with the reason), not an HTTP answer: the
/// API edge turns a kept result into the same answer it gave the first time. An outage is not a result and is not
/// kept, so the client can repeat the key once the service is back.
/// </para>
/// <para>
/// A first request that never answered (its service stopped midway) is taken over by a repeat once it is older than
/// <c>Ordering:PendingTimeout</c>: the order it stored, which recovery confirms or undoes, gives the answer; when it
/// stored none, or its order was undone, the repeat places the order itself.
/// </para>
/// </remarks>
public sealed class IdempotentPlacement(
    OrdersDbContext db, OrderLifecycle lifecycle, UsersClient users, TimeProvider clock, IOptions<OrderingOptions> options, IOptions<JsonOptions> json)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly JsonSerializerOptions _serializerOptions = json.Value.SerializerOptions;

    /// <param name="userId">The signed-in customer; keys are theirs alone, so one customer's key never answers another's request.</param>
    public async Task<PlacementResult> PlaceAsync(int userId, string? idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            return await lifecycle.PlaceAsync(userId, request, idempotencyKey: null, cancellationToken);
        }

        var key = $"{userId}:{idempotencyKey}";
        var requestHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, _serializerOptions))));
        var waitUntil = clock.GetUtcNow() + options.Value.IdempotencyWait;
        while (true)
        {
            var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, cancellationToken);
            if (record is null)
            {
                if (await TryClaimAsync(key, requestHash, cancellationToken))
                {
                    return await PlaceAndKeepAsync(key, userId, request, cancellationToken);
                }

                continue;
            }

            if (record.RequestHash != requestHash)
            {
                return new PlacementResult.Refused(RefusalReason.KeyReused,
                    "This Idempotency-Key was used with a different request body; use a new key for a new order.");
            }

            if (record.Result is { } kept)
            {
                return JsonSerializer.Deserialize<PlacementResult>(kept, _serializerOptions)!;
            }

            if (record.CreatedAt + options.Value.PendingTimeout < clock.GetUtcNow().UtcDateTime
                && await TakeOverAsync(record, cancellationToken) is { } answer)
            {
                return answer;
            }

            if (clock.GetUtcNow() > waitUntil)
            {
                return new PlacementResult.Refused(RefusalReason.KeyInUse,
                    "The first request with this Idempotency-Key is still being processed; repeat it later.");
            }

            await Task.Delay(PollInterval, clock, cancellationToken);
        }
    }

    /// <summary>Claims the key by inserting its record: its primary key lets one request in, however many race.</summary>
    private async Task<bool> TryClaimAsync(string key, string requestHash, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyRecord { Key = key, RequestHash = requestHash, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.IdempotencyRecords.Add(claim);
        if (await db.TrySaveChangesAsync(cancellationToken))
        {
            return true;
        }

        db.Entry(claim).State = EntityState.Detached;
        return false;
    }

    private async Task<PlacementResult> PlaceAndKeepAsync(string key, int userId, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        PlacementResult result;
        try
        {
            result = await lifecycle.PlaceAsync(userId, request, key, cancellationToken);
        }
        catch
        {
            // An outage is no result to keep: the client may repeat the key once the service is back. But while the
            // order it stored is still there (recovery confirms or undoes it), the key stays with that order, so a
            // repeat answers with what recovery makes of it instead of placing a second order.
            await db.IdempotencyRecords
                .Where(r => r.Key == key && !db.Orders.Any(o => o.IdempotencyKey == key && o.CreatedAt >= r.CreatedAt))
                .ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }

        return await KeepAsync(key, result);
    }

    /// <summary>
    /// What a repeat does with a first request that never answered: answers with the order it stored once that is
    /// confirmed, frees the key when it stored none (the next pass claims it), or, while recovery decides, waits.
    /// </summary>
    private async Task<PlacementResult?> TakeOverAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        var order = await db.Orders.Include(o => o.Lines).AsNoTracking()
            .FirstOrDefaultAsync(o => o.IdempotencyKey == record.Key && o.CreatedAt >= record.CreatedAt, cancellationToken);
        if (order is null)
        {
            // Nothing stored, or undone with its stock released: free the key, unless another repeat already has.
            await db.IdempotencyRecords
                .Where(r => r.Key == record.Key && r.Result == null && r.CreatedAt == record.CreatedAt)
                .ExecuteDeleteAsync(cancellationToken);
            return null;
        }

        return order.Status is OrderStatus.Confirmed or OrderStatus.Cancelling or OrderStatus.Cancelled
            ? await KeepAsync(record.Key, new PlacementResult.Placed(OrderResponse.From(order, await users.LookUpForDisplayAsync(order.UserId, cancellationToken))))
            : null;
    }

    private async Task<PlacementResult> KeepAsync(string key, PlacementResult result)
    {
        var kept = JsonSerializer.Serialize(result, _serializerOptions);
        await db.IdempotencyRecords.Where(r => r.Key == key).ExecuteUpdateAsync(set => set.SetProperty(r => r.Result, kept), CancellationToken.None);
        return result;
    }
}
