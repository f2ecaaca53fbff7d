using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Http;

/// <summary>This service's client at the token issuer: its id and scopes from the code, its secret from <c>Identity:ClientSecret</c>.</summary>
public sealed class ServiceIdentityOptions
{
    public const string Section = "Identity";

    public string ClientId { get; set; } = "";

    [Required(ErrorMessage = "Identity:ClientSecret is not configured.")]
    public string? ClientSecret { get; set; }

    public IReadOnlyList<string> Scopes { get; set; } = [];
}
