namespace Shop.UserService.Model;

/// <summary>The RSA key that signs access tokens, as PKCS#8 PEM. There is one, with <see cref="CurrentId"/>.</summary>
public sealed class StoredSigningKey
{
    public const int CurrentId = 1;

    public int Id { get; set; }
    public required string Pem { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
