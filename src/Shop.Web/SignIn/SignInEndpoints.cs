using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.Web.SignIn;

/// <summary>Signing in, registering and signing out, all at the issuer: the web app never sees a password.</summary>
public static class SignInEndpoints
{
    public static IEndpointRouteBuilder MapSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", SignIn).WithName(nameof(SignIn)).ExcludeFromDescription();
        app.MapGet("/register", Register).WithName(nameof(Register)).ExcludeFromDescription();
        // A form with its antiforgery token: no other site can sign a person out.
        app.MapPost("/signout", SignOut).WithName(nameof(SignOut)).RequireAntiforgeryToken().ExcludeFromDescription();
        return app;
    }

    /// <summary>Goes to the issuer's sign-in page, and comes back to <paramref name="returnUrl"/>, a page of this site.</summary>
    public static ChallengeHttpResult SignIn(string? returnUrl) =>
        TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme]);

    /// <summary>Goes to the issuer's registration page (prompt=create); once registered, the person is signed in here.</summary>
    public static ChallengeHttpResult Register(string? returnUrl) =>
        TypedResults.Challenge(
            new AuthenticationProperties(new Dictionary<string, string?> { [WebSignIn.RegisterItem] = "true" }) { RedirectUri = LocalOrHome(returnUrl) },
            [OpenIdConnectDefaults.AuthenticationScheme]);

    /// <summary>Ends the session here and at the issuer, which revokes its refresh tokens, then comes back to the shop.</summary>
    public static SignOutHttpResult SignOut() =>
        TypedResults.SignOut(new AuthenticationProperties { RedirectUri = "/" },
            [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);

    /// <summary>Where a person goes to sign in and come back to <paramref name="returnPath"/>.</summary>
    public static string SignInAddress(string returnPath) => $"/signin?returnUrl={Uri.EscapeDataString(returnPath)}";

    /// <summary>Where a person goes to register and come back to <paramref name="returnPath"/>.</summary>
    public static string RegisterAddress(string returnPath) => $"/register?returnUrl={Uri.EscapeDataString(returnPath)}";

    /// <summary>A path of this site, never another's: an absolute or protocol-relative address goes home instead.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
