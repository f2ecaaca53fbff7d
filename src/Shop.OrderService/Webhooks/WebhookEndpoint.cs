namespace Shop.OrderService.Webhooks;

/// <summary>
/// An address an administrator registered to be told of order events: each event of a type in <see cref="EventTypes"/>
/// is posted to <see cref="Url"/>, signed with <see cref="Secret"/>.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int MaxUrlLength = 2048;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 200;

    public int Id { get; set; }

    public required string Url { get; set; }

    /// <summary>Kept to sign each delivery; the API never shows it after registration and nothing logs it.</summary>
    public required string Secret { get; set; }

    public List<string> EventTypes { get; set; } = [];

    public DateTime CreatedAt { get; set; }
}
