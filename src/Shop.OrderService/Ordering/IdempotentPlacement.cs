using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.OrderService.Clients;
using Shop.OrderService.Data;
using Shop.OrderService.Model;

namespace Shop.OrderService.Ordering;

/// <summary>
/// Makes POST /orders safe to repeat: the first request with an Idempotency-Key places the order, and
/// every repeat with the same key and body gets that first answer, even while the first is still running.
/// </summary>
/// <remarks>
/// A first request that never answered (its service stopped midway) is taken over by a repeat once it is
/// older than <c>Ordering:PendingTimeout</c>: the order it stored, which recovery confirms or undoes, gives the
/// answer; when it stored none, or its order was undone, the repeat places the order itself.
/// </remarks>
public sealed class IdempotentPlacement(
    OrdersDbContext db, OrderPlacement placement, UsersClient users, TimeProvider clock, IOptions<OrderingOptions> options, IOptions<JsonOptions> json)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly JsonSerializerOptions _serializerOptions = json.Value.SerializerOptions;

    /// <param name="userId">The signed-in customer; keys are theirs alone, so one customer's key never answers another's request.</param>
    public async Task<PlacementResult> PlaceAsync(int userId, string? idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            return await placement.PlaceAsync(userId, request, idempotencyKey: null, cancellationToken);
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
                    return await PlaceAndRememberAsync(key, userId, request, cancellationToken);
                }

                continue;
            }

            if (record.RequestHash != requestHash)
            {
                return PlacementResult.Refused(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused.",
                    "This Idempotency-Key was used with a different request body; use a new key for a new order.");
            }

            if (record is { StatusCode: not null, ResponseBody: { } body })
            {
                return record.StatusCode == StatusCodes.Status201Created
                    ? PlacementResult.Placed(JsonSerializer.Deserialize<OrderResponse>(body, _serializerOptions)!)
                    : new PlacementResult(null, JsonSerializer.Deserialize<ProblemDetails>(body, _serializerOptions));
            }

            if (record.CreatedAt + options.Value.PendingTimeout < clock.GetUtcNow().UtcDateTime)
            {
                var order = await db.Orders.Include(o => o.Lines).AsNoTracking().FirstOrDefaultAsync(o => o.IdempotencyKey == key && o.CreatedAt >= record.CreatedAt, cancellationToken);
                if (order is null)
                {
                    // Nothing stored, or undone with its stock released: free the key (unless another repeat already has) and place anew.
                    await db.IdempotencyRecords
                        .Where(r => r.Key == key && r.StatusCode == null && r.CreatedAt == record.CreatedAt)
                        .ExecuteDeleteAsync(cancellationToken);
                    continue;
                }

                if (order.Status is OrderStatus.Confirmed or OrderStatus.Cancelling or OrderStatus.Cancelled)
                {
                    return await RememberAsync(key, PlacementResult.Placed(
                        OrderResponse.From(order, await users.LookUpForDisplayAsync(order.UserId, cancellationToken))));
                }
            }

            if (clock.GetUtcNow() > waitUntil)
            {
                return PlacementResult.Refused(StatusCodes.Status409Conflict, "Request in progress.",
                    "The first request with this Idempotency-Key is still being processed; repeat it later.");
            }

            await Task.Delay(PollInterval, clock, cancellationToken);
        }
    }

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

    private async Task<PlacementResult> PlaceAndRememberAsync(string key, int userId, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        PlacementResult result;
        try
        {
            result = await placement.PlaceAsync(userId, request, key, cancellationToken);
        }
        catch
        {
            // An outage is no answer to remember: the client may repeat the key once the service is back.
            await db.IdempotencyRecords.Where(r => r.Key == key).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }

        return await RememberAsync(key, result);
    }

    private async Task<PlacementResult> RememberAsync(string key, PlacementResult result)
    {
        await db.IdempotencyRecords.Where(r => r.Key == key).ExecuteUpdateAsync(set => set
            .SetProperty(r => r.StatusCode, result.StatusCode)
            .SetProperty(r => r.ResponseBody, result.Order is not null
                ? JsonSerializer.Serialize(result.Order, _serializerOptions)
                : JsonSerializer.Serialize(result.Problem, _serializerOptions)), CancellationToken.None);
        return result;
    }
}
