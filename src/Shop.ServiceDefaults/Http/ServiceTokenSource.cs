using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Shop.Contracts;

namespace Shop.ServiceDefaults.Http;

/// <summary>Gets this service's own token from the issuer (client credentials) and keeps it until shortly before it expires.</summary>
public sealed class ServiceTokenSource(IHttpClientFactory factory, IOptions<ServiceIdentityOptions> options, TimeProvider clock) : IDisposable
{
    public const string HttpClientName = "identity";

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && clock.GetUtcNow() < current.RenewAt)
        {
            return current.Token;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } refreshed && clock.GetUtcNow() < refreshed.RenewAt)
            {
                return refreshed.Token;
            }

            var identity = options.Value;
            using var content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = identity.ClientId,
                ["client_secret"] = identity.ClientSecret!,
                ["scope"] = string.Join(' ', identity.Scopes)
            });
            using var response = await factory.CreateClient(HttpClientName).SendToServiceAsync(
                new HttpRequestMessage(HttpMethod.Post, ShopIdentity.TokenPath) { Content = content }, ShopIdentity.IssuerService, cancellationToken);
            response.EnsureSuccessStatusCode();
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new InvalidDataException("The token endpoint answered an empty body.");

            // Renew at two thirds of the lifetime, so that a token never expires on the way.
            _current = (token.AccessToken, clock.GetUtcNow() + TimeSpan.FromSeconds(token.ExpiresIn * 2 / 3));
            return token.AccessToken;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Stops using <paramref name="token"/>, which another service refused: the next call asks for a new one.</summary>
    public async Task ForgetAsync(string token, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && current.Token == token)
            {
                _current = null;
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    public void Dispose() => _refresh.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
