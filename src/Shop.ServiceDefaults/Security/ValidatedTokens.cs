using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Security;

/// <summary>
/// The bearer tokens this service has found valid, each remembered by the whole token until the earlier of its expiry
/// and <c>lifetime</c> after it was checked, so that a caller's repeated requests pay for parsing the token and
/// checking its signature once. A token that failed a check is not remembered: it is checked in full every time.
/// </summary>
/// <remarks>
/// <para>
/// The lifetime is the interval at which the service fetches the issuer's keys again. A remembered token is answered
/// only while the key that signed it is among the keys a full check would use now: once a withdrawn key has left the
/// key set, its tokens are checked in full again, and refused, at once.
/// </para>
/// <para>At most <see cref="Capacity"/> tokens are remembered; beyond that, tokens are checked in full.</para>
/// </remarks>
public sealed class ValidatedTokens(TimeSpan lifetime, TimeProvider clock) : IDisposable
{
    /// <summary>About 5 MB of tokens and their claims at most.</summary>
    public const int Capacity = 1_000;

    private readonly MemoryCache _tokens = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly TimeProvider _clock = clock;
    private readonly TimeSpan _lifetime = lifetime;

    /// <summary>A handler that answers from what was remembered, and otherwise asks <paramref name="inner"/>; with no lifetime, <paramref name="inner"/> itself.</summary>
    public TokenHandler Remembering(TokenHandler inner) => _lifetime > TimeSpan.Zero ? new RememberingHandler(this, inner) : inner;

    public void Dispose() => _tokens.Dispose();

    private sealed class RememberingHandler(ValidatedTokens tokens, TokenHandler inner) : TokenHandler
    {
        public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

        public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            if (tokens._tokens.TryGetValue(token, out TokenValidationResult? known) && known is not null)
            {
                if (IsStillTrusted(known.SecurityToken, token, validationParameters))
                {
                    return Copy(known);
                }

                tokens._tokens.Remove(token);
            }

            var result = await inner.ValidateTokenAsync(token, validationParameters);
            var remaining = result.IsValid ? result.SecurityToken.ValidTo - tokens._clock.GetUtcNow().UtcDateTime : TimeSpan.Zero;
            if (remaining <= TimeSpan.Zero)
            {
                return result;
            }

            tokens._tokens.Set(token, result, new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpirationRelativeToNow = remaining < tokens._lifetime ? remaining : tokens._lifetime
            });
            return Copy(result);
        }

        /// <summary>Whether the key that signed the token is still one of the keys a full check would try.</summary>
        private static bool IsStillTrusted(SecurityToken checkedToken, string token, TokenValidationParameters parameters)
        {
            if (checkedToken.SigningKey is not { } signedWith)
            {
                return false;
            }

            var kid = (checkedToken as JsonWebToken)?.Kid;
            var trusted = parameters.IssuerSigningKeyResolver is { } resolve
                ? resolve(token, checkedToken, kid, parameters) ?? []
                : (parameters.IssuerSigningKeys ?? []).Append(parameters.IssuerSigningKey);
            return trusted.Any(key => key is not null && (ReferenceEquals(key, signedWith)
                || (signedWith.KeyId is { Length: > 0 } keyId && string.Equals(key.KeyId, keyId, StringComparison.Ordinal))));
        }

        /// <summary>Each request gets its own identity, so that nothing one request adds to it reaches another.</summary>
        private static TokenValidationResult Copy(TokenValidationResult valid) => new()
        {
            IsValid = true,
            // IdentityModel's identity compares claim types case-sensitively; a plain copy would not.
            ClaimsIdentity = valid.ClaimsIdentity is CaseSensitiveClaimsIdentity identity
                ? new CaseSensitiveClaimsIdentity(identity)
                : valid.ClaimsIdentity.Clone(),
            SecurityToken = valid.SecurityToken,
            Issuer = valid.Issuer,
            TokenType = valid.TokenType
        };
    }
}
