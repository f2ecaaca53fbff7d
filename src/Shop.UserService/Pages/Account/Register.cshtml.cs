using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;

namespace Shop.UserService.Pages.Account;

/// <summary>
/// Making an account, with the rules and the limit per address of <c>POST /users</c>; the new customer is signed in and
/// goes on to where they were going.
/// </summary>
public sealed class RegisterModel(Registration registration, AddressLimits limits, BrowserSession sessions) : AccountPage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>What was entered, shown again when something is wrong; never the password.</summary>
    public RegisterUserRequest? Input { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync([FromForm] RegisterUserRequest input, CancellationToken cancellationToken)
    {
        Input = input;
        if (!ModelState.IsValid)
        {
            return Again(StatusCodes.Status400BadRequest);
        }

        if (await limits.AcquireRegistrationAsync(HttpContext) is { } wait)
        {
            Response.SetRetryAfter(wait);
            return Again(StatusCodes.Status429TooManyRequests, $"Too many accounts made from here. Try again in {Wait(wait)}.");
        }

        if (await registration.RegisterAsync(input, cancellationToken) is not { } user)
        {
            ModelState.AddModelError(nameof(input.Email), "This email already has an account: sign in instead.");
            return Again(StatusCodes.Status409Conflict);
        }

        await sessions.OpenAsync(HttpContext, user);
        return LocalRedirect(ReturnTo(ReturnUrl));
    }
}
