using System.ComponentModel.DataAnnotations;

namespace Shop.OrderService.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Whether endpoints may be on loopback or private networks. Off, as anywhere the service reaches machines that the
    /// internet must not reach through it; on in development, whose receivers run on the developer's machine.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>How many times a delivery is attempted before it is marked Failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;
}
