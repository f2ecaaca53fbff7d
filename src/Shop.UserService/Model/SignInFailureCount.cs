namespace Shop.UserService.Model;

/// <summary>
/// Failed sign-ins for one account from one client address in the current window (see
/// <see cref="Identity.AccountSignInLimit"/>). The account is named by a hash of the email as it was typed, whether or
/// not an account has it, so that an unknown email is counted as a known one is, and no typed email is stored.
/// </summary>
public sealed class SignInFailureCount
{
    public const int KeyLength = 64;

    public required string AccountKey { get; set; }

    /// <summary>The client address as per-address limits count it (an IPv6 address by its /64).</summary>
    public required string AddressKey { get; set; }

    public int Failures { get; set; }

    /// <summary>When this window of failures ends (UTC): it opened at the first failure.</summary>
    public DateTime WindowEnd { get; set; }
}
