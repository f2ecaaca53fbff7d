namespace Shop.Web.Model;

/// <summary>
/// What a person means to buy: an anonymous visitor's, found by the basket cookie, or a signed-in person's, found by
/// their user id. Kept in the web app's database, so that it outlives the web app, the cache and the sign-in.
/// </summary>
public sealed class Basket
{
    /// <summary>A random id: the value of an anonymous visitor's basket cookie, which is all that finds the basket.</summary>
    public required string Id { get; set; }

    /// <summary>The signed-in person whose basket this is; null while the visitor is anonymous.</summary>
    public int? OwnerId { get; set; }

    /// <summary>
    /// The Idempotency-Key of the checkout under way: made when the checkout page is shown and sent with every attempt to
    /// place the order, so that a double click, a refresh or a retry places one order. Any change to the basket drops it.
    /// </summary>
    public string? CheckoutKey { get; set; }

    /// <summary>The key of the last checkout that placed an order, and that order: a repeated submission is sent to it.</summary>
    public string? PlacedKey { get; set; }

    public int? PlacedOrderId { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<BasketLine> Lines { get; set; } = [];
}

public sealed class BasketLine
{
    public required string BasketId { get; set; }
    public int ProductId { get; set; }
    public int Quantity { get; set; }
}

/// <summary>
/// A person's sign-in at the web app: the authentication ticket with their tokens, protected with Data Protection. The
/// browser holds only <see cref="Key"/>, in an HttpOnly cookie; the tokens never leave the server.
/// </summary>
public sealed class SignInSession
{
    public required string Key { get; set; }
    public required byte[] Ticket { get; set; }
    public DateTime ExpiresAt { get; set; }
}

public static class BasketRules
{
    /// <summary>The most of one product a line may hold: what the orders service takes on one order line.</summary>
    public const int MaxQuantity = 1000;

    /// <summary>The most lines a basket may hold: what the orders service takes on one order.</summary>
    public const int MaxLines = 50;
}
