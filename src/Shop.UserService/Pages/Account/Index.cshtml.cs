using Microsoft.AspNetCore.Authentication;

namespace Shop.UserService.Pages.Account;

/// <summary>Who is signed in at the issuer, with the way out; where signing in ends when no app asked for it.</summary>
public sealed class IndexModel : AccountPage
{
    public string? Name { get; private set; }

    public async Task OnGetAsync() =>
        Name = (await HttpContext.AuthenticateAsync(BrowserSession.Scheme)).Principal?.Identity?.Name;
}
