using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Shop.UserService.Pages;

/// <summary>
/// A page of the issuer's own: never framed by another site (clickjacking a sign-in), never cached, and runs no script.
/// Forms carry antiforgery tokens, which Razor Pages checks on every post; <see cref="IssuerRequestGuard"/> holds the
/// sign-in and registration forms to the issuer's size limit.
/// </summary>
public abstract class AccountPage : PageModel
{
    /// <summary>Where a page goes when it was not told where to return: the account page.</summary>
    public const string Home = "/account";

    /// <summary>A message for the whole form, such as a wrong password, shown above it.</summary>
    public string? FormError { get; protected set; }

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        var headers = Response.Headers;
        // No form-action: the sign-in form's redirects end at the app's own address, which Chromium would hold to it.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
        headers.XFrameOptions = "DENY";
        // As antiforgery wants it for every page that carries a token, so that it need not override it and warn.
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }

    /// <summary>Whether the form's <paramref name="field"/> was refused, for its <c>aria-invalid</c> and error text.</summary>
    public bool Invalid(string field) => ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0;

    /// <summary>Only a path on this site: a return address elsewhere would make the pages an open redirect.</summary>
    protected string ReturnTo(string? returnUrl) => returnUrl is not null && Url.IsLocalUrl(returnUrl) ? returnUrl : Home;

    /// <summary>The page again, with what went wrong, under <paramref name="status"/>.</summary>
    protected PageResult Again(int status, string? formError = null)
    {
        FormError = formError;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>A wait, as a person reads it.</summary>
    protected static string Wait(TimeSpan wait) =>
        wait.TotalMinutes >= 1 ? $"{Math.Ceiling(wait.TotalMinutes):0} minutes" : $"{Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} seconds";
}
