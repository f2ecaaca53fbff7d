namespace Shop.UserService.Model;

/// <summary>
/// A person's session at the issuer, from signing in on its page until they sign out, change their password, or it
/// ends (<c>Identity:SessionLifetime</c> after it opened). The session cookie names it; a cookie whose session is gone
/// opens nothing, even a copy of one taken before the sign-out.
/// </summary>
public sealed class IssuerSession
{
    public const int IdLength = 32;

    public required string Id { get; set; }

    public int UserId { get; set; }

    /// <summary>When the session ends (UTC), however it is used until then.</summary>
    public DateTime ExpiresAt { get; set; }
}
