namespace Shop.UserService.Identity;

public sealed class IdentityOptions
{
    /// <summary>The PEM file of the RSA key that signs tokens; created at first start when missing.</summary>
    public string? SigningKeyPath { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Service clients by id, each with its secret; the AppHost passes them from Aspire parameters.</summary>
    public Dictionary<string, string> Clients { get; set; } = [];

    /// <summary>The administrator seeded in Development.</summary>
    public AdminAccount Admin { get; set; } = new();

    public sealed class AdminAccount
    {
        public string Email { get; set; } = "admin@shop.example";
        public string? Password { get; set; }
    }
}
