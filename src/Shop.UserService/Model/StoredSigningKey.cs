namespace Shop.UserService.Model;

/// <summary>An RSA key that signs access tokens, as PKCS#8 PEM, and from when it signs (see <see cref="Identity.SigningKeys"/>).</summary>
public sealed class StoredSigningKey
{
    public int Id { get; set; }
    public required string Pem { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ActivatesAt { get; set; }
}
