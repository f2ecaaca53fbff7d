using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.RateLimiting;

namespace Shop.UserService.Identity;

/// <summary>How many sign-ins and registrations are answered, and how many failed sign-ins are let through (<c>RateLimits:*</c>).</summary>
public sealed class SignInLimitOptions
{
    /// <summary>The section of every service's write limit: the rate limits of a service are set in one place.</summary>
    public const string Section = RateLimitOptions.Section;

    /// <summary>Requests to the token endpoint a minute per client address, for every grant, and posts of the sign-in page.</summary>
    [Range(1, int.MaxValue)]
    public int SignInsPerAddressPerMinute { get; set; } = 60;

    /// <summary>Failed sign-ins for one account from one address in a window, after which that address waits for the window to end.</summary>
    [Range(1, int.MaxValue)]
    public int SignInFailuresPerAccountAndAddress { get; set; } = 5;

    /// <summary>
    /// Failed sign-ins for one account from every address in their windows, after which only addresses with no failure
    /// for the account are let through to the password check.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int SignInFailuresPerAccount { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Registrations an hour per client address: a registration tells whether an email has an account (409).</summary>
    [Range(1, int.MaxValue)]
    public int RegistrationsPerAddressPerHour { get; set; } = 20;
}
