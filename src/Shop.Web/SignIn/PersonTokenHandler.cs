using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;

namespace Shop.Web.SignIn;

/// <summary>The person's session at the web app has ended, or a service no longer takes their token: they sign in again.</summary>
public sealed class SessionExpiredException() : Exception("The person's session has ended; they sign in again.");

/// <summary>Puts the signed-in person's access token, kept on the server, on a call made on their behalf.</summary>
internal sealed class PersonTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = accessor.HttpContext ?? throw new InvalidOperationException("A call on a person's behalf is made outside a request.");
        var token = await context.GetTokenAsync("access_token") ?? throw new SessionExpiredException();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw new SessionExpiredException();
        }

        return response;
    }
}
