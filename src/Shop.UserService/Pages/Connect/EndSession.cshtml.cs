using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using OpenIddict.Server.AspNetCore;

namespace Shop.UserService.Pages.Connect;

/// <summary>
/// The end-session endpoint (<c>/connect/endsession</c>), behind OpenIddict, which has checked that the app's
/// <c>post_logout_redirect_uri</c> is one registered for it. The person confirms with a form, so that no other site can
/// sign them out with a link; signing out ends the session and revokes the refresh tokens issued in it, then goes back
/// to the app, or to the signed-out page.
/// </summary>
public sealed class EndSessionModel(BrowserSession sessions) : AccountPage
{
    /// <summary>The request's own parameters, posted back with the confirmation.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private set; } = [];

    public void OnGet() =>
        Parameters = [.. Request.Query.SelectMany(parameter => parameter.Value.Select(value => KeyValuePair.Create(parameter.Key, value ?? "")))];

    public async Task<IActionResult> OnPostAsync()
    {
        await sessions.EndAsync(HttpContext);
        return SignOut(new AuthenticationProperties { RedirectUri = BrowserSession.SignedOutPath }, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
