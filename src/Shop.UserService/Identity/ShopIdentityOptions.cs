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

    /// <summary>Service clients by id, each with its secret; the AppHost passes them from Aspire parameters.</summary>
    public Dictionary<string, string> Clients { get; set; } = [];

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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(Admin.Password) && (string.IsNullOrWhiteSpace(Admin.Email) || !new EmailAddressAttribute().IsValid(Admin.Email)))
        {
            yield return new ValidationResult(
                "Identity:Admin:Email must be the administrator's email when Identity:Admin:Password is set (the AppHost passes its admin-email parameter).",
                [nameof(Admin)]);
        }
    }
}
