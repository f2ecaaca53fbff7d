using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// Makes access tokens with the users service's real signing key, read from the test's own data folder,
/// so that a test can present a token that is wrong in exactly one way: expired, for another audience,
/// or without the role an endpoint needs.
/// </summary>
public sealed class TokenForge(string dataDirectory)
{
    private readonly SigningCredentials _credentials = LoadCredentials(Path.Combine(dataDirectory, "users-signing-key.pem"));

    public string Create(string audience, string subject, string? role = null, string? scope = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (role is not null)
        {
            claims["role"] = role;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://users/",
            Audience = audience,
            Claims = claims,
            IssuedAt = expiry.AddMinutes(-15),
            NotBefore = expiry.AddMinutes(-15),
            Expires = expiry,
            SigningCredentials = _credentials
        });
    }

    /// <summary>The token with one character of its payload changed, so that its signature no longer matches.</summary>
    public static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"sub\":\"", "\"sub\":\"9", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    private static SigningCredentials LoadCredentials(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(path));
        // The same key id as the users service gives its key.
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256);
    }
}
