namespace Shop.OrderService.Model;

/// <summary>A POST /orders made with an Idempotency-Key: the request's fingerprint and, once answered, the answer.</summary>
public sealed class IdempotencyRecord
{
    public const int MaxKeyLength = 200;

    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Null while the first request with this key is still being answered.</summary>
    public int? StatusCode { get; set; }

    public string? ResponseBody { get; set; }
}
