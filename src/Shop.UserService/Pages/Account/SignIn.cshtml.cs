using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Http;

namespace Shop.UserService.Pages.Account;

/// <summary>
/// Signing in with email and password, under the same limits and with the same answers as the token endpoint's password
/// grant: a session at the issuer, then back to where the person was going (an app's authorization request).
/// </summary>
public sealed class SignInModel(PasswordSignIn signIn, AddressLimits limits, BrowserSession sessions) : AccountPage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty, Required(ErrorMessage = "Enter your email."), StringLength(UserRules.MaxEmailLength)]
    public string Email { get; set; } = "";

    [BindProperty, Required(ErrorMessage = "Enter your password."), StringLength(UserRules.MaxPasswordLength)]
    public string Password { get; set; } = "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Again(StatusCodes.Status400BadRequest);
        }

        if (await limits.AcquireSignInAsync(HttpContext) is { } wait)
        {
            Response.SetRetryAfter(wait);
            return Again(StatusCodes.Status429TooManyRequests, $"Too many sign-ins from here. Try again in {Wait(wait)}.");
        }

        var outcome = await signIn.SignInAsync(Email, Password, HttpContext.LimitKey(), cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            Response.SetRetryAfter(refusal.RetryAfter);
            return Again(StatusCodes.Status429TooManyRequests, $"Too many failed sign-ins for this account from here. Try again in {Wait(refusal.RetryAfter)}.");
        }

        if (outcome.User is not { } user)
        {
            return Again(StatusCodes.Status400BadRequest, "The email or password is wrong.");
        }

        await sessions.OpenAsync(HttpContext, user);
        return LocalRedirect(ReturnTo(ReturnUrl));
    }
}
