using System.ComponentModel.DataAnnotations;

namespace Shop.UserService.Identity;

/// <summary>How many sign-ins a minute are answered, per client address and per account (<c>RateLimits:*</c>).</summary>
public sealed class SignInLimitOptions
{
    public const string Section = "RateLimits";

    [Range(1, int.MaxValue)]
    public int SignInsPerAddressPerMinute { get; set; } = 60;

    [Range(1, int.MaxValue)]
    public int SignInsPerAccountPerMinute { get; set; } = 10;
}
