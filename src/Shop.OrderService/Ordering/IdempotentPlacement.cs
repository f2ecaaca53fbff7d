using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shop.OrderService.Data;
using Shop.OrderService.Model;

namespace Shop.OrderService.Ordering;

/// <summary>
/// Makes POST /orders safe to repeat: the first request with an Idempotency-Key places the order, and
/// every repeat with the same key and body gets that first answer, even while the first is still running.
/// </summary>
public sealed class IdempotentPlacement(
    OrdersDbContext db, OrderPlacement placement, TimeProvider clock, IOptions<OrderingOptions> options, IOptions<JsonOptions> json)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly JsonSerializerOptions _serializerOptions = json.Value.SerializerOptions;

    /// <param name="userId">The signed-in customer; keys are theirs alone, so one customer's key never answers another's request.</param>
    public async Task<PlacementResult> PlaceAsync(int userId, string? idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            return await placement.PlaceAsync(userId, request, cancellationToken);
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
            result = await placement.PlaceAsync(userId, request, cancellationToken);
        }
        catch
        {
            // An outage is no answer to remember: the client may repeat the key once the service is back.
            await db.IdempotencyRecords.Where(r => r.Key == key).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }

        await db.IdempotencyRecords.Where(r => r.Key == key).ExecuteUpdateAsync(set => set
            .SetProperty(r => r.StatusCode, result.StatusCode)
            .SetProperty(r => r.ResponseBody, result.Order is not null
                ? JsonSerializer.Serialize(result.Order, _serializerOptions)
                : JsonSerializer.Serialize(result.Problem, _serializerOptions)), CancellationToken.None);
        return result;
    }
}
