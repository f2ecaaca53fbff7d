using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Security;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Unit;

/// <summary>
/// A service remembers the tokens it found good, so that a caller's next requests skip the signature check, but only
/// while the key that signed a token is still one the service trusts: a withdrawn key's tokens are refused at once.
/// </summary>
public sealed class ValidatedTokensTests
{
    private static readonly SecurityKey OtherKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "other-key" };

    private readonly string _token = TokenForge.InProcess.Create(ShopServices.Orders, "7", role: ShopRoles.Customer);
    private readonly CountingHandler _inner = new();

    [Fact]
    public async Task AGoodTokenIsCheckedInFullOnceWhileItsKeyIsTrusted()
    {
        using var tokens = new ValidatedTokens(TimeSpan.FromMinutes(1), TimeProvider.System);
        var handler = tokens.Remembering(_inner);

        var first = await handler.ValidateTokenAsync(_token, Parameters(keys: [OtherKey, FetchedCopyOf(TokenForge.InProcess.Key)]));
        var second = await handler.ValidateTokenAsync(_token, Parameters(keys: [FetchedCopyOf(TokenForge.InProcess.Key)]));

        Assert.True(first.IsValid && second.IsValid);
        Assert.Equal(1, _inner.Checks);
    }

    [Fact]
    public async Task ARememberedTokenWhoseKeyLeftTheKeySetIsRefused()
    {
        using var tokens = new ValidatedTokens(TimeSpan.FromMinutes(1), TimeProvider.System);
        var handler = tokens.Remembering(_inner);
        Assert.True((await handler.ValidateTokenAsync(_token, Parameters(keys: [TokenForge.InProcess.Key]))).IsValid);

        var afterWithdrawal = await handler.ValidateTokenAsync(_token, Parameters(keys: [OtherKey]));

        Assert.False(afterWithdrawal.IsValid);
        Assert.Equal(2, _inner.Checks);
    }

    [Fact]
    public async Task ARememberedTokenWhoseKeyTheResolverNoLongerAnswersIsRefused()
    {
        using var tokens = new ValidatedTokens(TimeSpan.FromMinutes(1), TimeProvider.System);
        var handler = tokens.Remembering(_inner);
        IEnumerable<SecurityKey> published = [TokenForge.InProcess.Key];
        var parameters = Parameters(keys: null);
        parameters.IssuerSigningKeyResolver = (_, _, _, _) => published;
        Assert.True((await handler.ValidateTokenAsync(_token, parameters)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(_token, parameters)).IsValid);
        Assert.Equal(1, _inner.Checks);

        published = [OtherKey];

        Assert.False((await handler.ValidateTokenAsync(_token, parameters)).IsValid);
    }

    private static TokenValidationParameters Parameters(IEnumerable<SecurityKey>? keys) => new()
    {
        ValidIssuer = ShopIdentity.Issuer,
        ValidAudience = ShopServices.Orders,
        IssuerSigningKeys = keys
    };

    /// <summary>The key as a service fetches it from the key set: another object, with the same key id.</summary>
    private static SecurityKey FetchedCopyOf(SecurityKey key) => JsonWebKeyConverter.ConvertFromRSASecurityKey((RsaSecurityKey)key);

    private sealed class CountingHandler : TokenHandler
    {
        private readonly JsonWebTokenHandler _inner = new();

        public int Checks { get; private set; }

        public override SecurityToken ReadToken(string token) => _inner.ReadToken(token);

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Checks++;
            return _inner.ValidateTokenAsync(token, validationParameters);
        }
    }
}
