namespace Shop.OrderService.Model;

/// <summary>A POST /orders made with an Idempotency-Key: the request's fingerprint and, once placed or refused, the result.</summary>
public sealed class IdempotencyRecord
{
    /// <summary>The longest Idempotency-Key a client may send; stored keys are prefixed with the customer's id.</summary>
    public const int MaxKeyLength = 200;

    /// <summary>Printable ASCII, as a structured-field string (RFC 8941) such as the IETF draft's Idempotency-Key is: no control characters.</summary>
    public const string KeyPattern = @"^[\x20-\x7E]+$";

    public const string KeyRule = "The Idempotency-Key is printable ASCII (letters, digits, punctuation and spaces), such as a UUID.";

    /// <summary>Room for the customer's id (at most 10 digits) and a colon before the key.</summary>
    public const int MaxStoredKeyLength = MaxKeyLength + 11;

    /// <summary>The customer's id and their Idempotency-Key: <c>{userId}:{key}</c>.</summary>
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>The placement's result as JSON; null while the first request with this key is still being answered.</summary>
    public string? Result { get; set; }
}
