using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.RateLimiting;

/// <summary>
/// How many writes a person may make a minute (<c>RateLimits:WritesPerMinute</c>), and an address without a token
/// (<c>RateLimits:WritesPerAddressPerMinute</c>, the same unless set).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, int.MaxValue)]
    public int WritesPerMinute { get; set; } = 120;

    /// <summary>Set apart where one address stands for many clients, as behind a proxy that hides them.</summary>
    [Range(1, int.MaxValue)]
    public int? WritesPerAddressPerMinute { get; set; }
}
