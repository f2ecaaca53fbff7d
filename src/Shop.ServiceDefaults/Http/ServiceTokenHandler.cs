using System.Net;
using System.Net.Http.Headers;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// Puts this service's token on each outgoing request. When the other service refuses it (401), as it does once the key
/// that signed the token has been withdrawn, the request is sent once more with a new token.
/// </summary>
public sealed class ServiceTokenHandler(ServiceTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        await tokens.ForgetAsync(token, cancellationToken);
        var renewed = await tokens.GetTokenAsync(cancellationToken);
        if (renewed == token)
        {
            return response;
        }

        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed);
        return await base.SendAsync(request, cancellationToken);
    }
}
