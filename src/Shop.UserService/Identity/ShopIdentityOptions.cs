using System.ComponentModel.DataAnnotations;

namespace Shop.UserService.Identity;

/// <summary>
/// The <c>Identity</c> section: how the users service issues tokens, and the accounts it makes at start. Named apart
/// from ASP.NET Core Identity's <c>IdentityOptions</c>, whose namespace this service imports for its password hasher.
/// </summary>
public sealed class ShopIdentityOptions : IValidatableObject
{
    public const string Section = "Identity";

    /// <summary>
    /// A PEM file with the RSA key that signs tokens, made when missing, for a deployment that manages the key itself.
    /// Unset, the key is kept in the users database (<see cref="SigningKeys"/>).
    /// </summary>
    public string? SigningKeyPath { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a new signing key is published before it signs: longer than every service takes to fetch the key set.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan KeyActivationDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long the rows of expired or revoked tokens are kept before they are pruned, for whoever looks into a
    /// sign-in; a token that is still good is never pruned.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan TokenRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a refresh token is good for; each use gives a new one, and a token used twice ends its family.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long a browser's session at the issuer lasts from signing in, in which another app signs in without the password.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Service clients by id, each with its secret; the AppHost passes them from Aspire parameters.</summary>
    public Dictionary<string, string> Clients { get; set; } = [];

    /// <summary>
    /// The apps people sign in to in a browser (authorization code with PKCE), by client id: where the issuer may send
    /// them back, exactly as written, and a secret for an app that can keep one.
    /// </summary>
    public Dictionary<string, BrowserApplication> Applications { get; set; } = [];

    /// <summary>
    /// The administrator, made at start in every environment where a password is given, with the email given beside
    /// it: there is no default, so that no deployment's administrator has a published email to aim at.
    /// </summary>
    public AdminAccount Admin { get; set; } = new();

    public sealed class AdminAccount
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
    }

    public sealed class BrowserApplication
    {
        public string? DisplayName { get; set; }

        /// <summary>Set for a confidential client (a server-side app); a public one (a page, a native app) proves itself with PKCE alone.</summary>
        public string? Secret { get; set; }

        public List<string> RedirectUris { get; set; } = [];
        public List<string> PostLogoutRedirectUris { get; set; } = [];
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (clientId, application) in Applications)
        {
            if (Clients.ContainsKey(clientId))
            {
                yield return new ValidationResult($"Identity:Applications:{clientId} has the id of a service client.", [nameof(Applications)]);
            }

            if (application.RedirectUris.Count == 0)
            {
                yield return new ValidationResult($"Identity:Applications:{clientId} needs at least one RedirectUris entry.", [nameof(Applications)]);
            }

            foreach (var uri in application.RedirectUris.Concat(application.PostLogoutRedirectUris).Where(uri => !IsAllowedRedirect(uri)))
            {
                yield return new ValidationResult(
                    $"Identity:Applications:{clientId} names '{uri}': a redirect address must be absolute, without a fragment, and https unless it is on loopback.",
                    [nameof(Applications)]);
            }
        }

        if (!string.IsNullOrEmpty(Admin.Password) && (string.IsNullOrWhiteSpace(Admin.Email) || !new EmailAddressAttribute().IsValid(Admin.Email)))
        {
            yield return new ValidationResult(
                "Identity:Admin:Email must be the administrator's email when Identity:Admin:Password is set (the AppHost passes its admin-email parameter).",
                [nameof(Admin)]);
        }
    }

    /// <summary>
    /// An address a code may be sent to: https, or http on this machine only (RFC 8252 section 7.3), as a code sent in
    /// the clear across a network can be read on the way.
    /// </summary>
    private static bool IsAllowedRedirect(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Fragment.Length == 0
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
