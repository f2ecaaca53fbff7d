using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shop.OrderService.Webhooks;

/// <summary>
/// The <c>Shop-Webhook-Signature</c> header: <c>t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}" keyed with the
/// endpoint's secret (UTF-8)}</c>. A receiver recomputes it over the body it received, compares in constant time, and
/// refuses a <c>t</c> far from its own clock, so that a delivery captured on the way cannot be replayed much later.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Shop-Webhook-Signature";

    /// <summary>The header's value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, DateTimeOffset timestamp, string body)
    {
        var seconds = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{seconds}.{body}"));
        return $"t={seconds},v1={Convert.ToHexStringLower(mac)}";
    }
}
