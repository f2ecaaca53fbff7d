using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.Tests.Infrastructure;

/// <summary>
/// Makes access tokens with a signing key the services trust (the users service's own key file, or the key the
/// services in this process are given), naming the issuer those services accept, so that a test can present a token
/// that is wrong in exactly one way: expired, for another audience, from another issuer, or without the role an
/// endpoint needs.
/// </summary>
/// <param name="keyFile">The PEM file of the private key.</param>
/// <param name="issuer">
/// The issuer the tokens name (<c>iss</c>): the services' <c>Identity:Issuer</c>. In this process that is unset, so
/// <see cref="ShopIdentity.Issuer"/>; a topology's is the users service's address, which the AppHost gives every service.
/// </param>
public sealed class TokenForge(string keyFile, string issuer = ShopIdentity.Issuer)
{
    /// <summary>The key that the services started in this process sign and check tokens with; made once per test run.</summary>
    public static TokenForge InProcess { get; } = new(CreateKeyFile());

    private readonly SigningCredentials _credentials = LoadCredentials(keyFile);

    /// <summary>The PEM file of the private key.</summary>
    public string KeyFile { get; } = keyFile;

    /// <summary>The issuer the tokens name.</summary>
    public string Issuer { get; } = issuer;

    /// <summary>A forge with the same key whose tokens name <paramref name="other"/>.</summary>
    public TokenForge WithIssuer(Uri other) => new(KeyFile, other.AbsoluteUri);

    /// <summary>The public key, as a service checking tokens is given it.</summary>
    public SecurityKey Key => _credentials.Key;

    /// <summary>The public key as a JSON Web Key, as an issuer publishes it in its key set.</summary>
    public object PublicJwk()
    {
        var key = (RsaSecurityKey)_credentials.Key;
        var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
        return new
        {
            kty = "RSA",
            use = "sig",
            alg = SecurityAlgorithms.RsaSha256,
            kid = key.KeyId,
            n = Base64UrlEncoder.Encode(parameters.Modulus),
            e = Base64UrlEncoder.Encode(parameters.Exponent)
        };
    }

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
            Issuer = Issuer,
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

    private static string CreateKeyFile()
    {
        var directory = Directory.CreateTempSubdirectory("shop-tests-key-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        var path = Path.Combine(directory, "signing-key.pem");
        using var rsa = RSA.Create(2048);
        File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
        return path;
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
