using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.RateLimiting;

/// <summary>How many writes a person (or an address without a token) may make a minute (<c>RateLimits:WritesPerMinute</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, int.MaxValue)]
    public int WritesPerMinute { get; set; } = 120;
}
