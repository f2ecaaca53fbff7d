using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.RateLimiting;

namespace Shop.UserService.Identity;

/// <summary>How many sign-ins a minute are answered, per client address and per account (<c>RateLimits:*</c>).</summary>
public sealed class SignInLimitOptions
{
    /// <summary>The section of every service's write limit: the rate limits of a service are set in one place.</summary>
    public const string Section = RateLimitOptions.Section;

    [Range(1, int.MaxValue)]
    public int SignInsPerAddressPerMinute { get; set; } = 60;

    [Range(1, int.MaxValue)]
    public int SignInsPerAccountPerMinute { get; set; } = 10;
}
