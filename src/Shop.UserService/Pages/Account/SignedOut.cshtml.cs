namespace Shop.UserService.Pages.Account;

/// <summary>Where signing out ends when the app that asked for it named no address of its own.</summary>
public sealed class SignedOutModel : AccountPage
{
    public void OnGet()
    {
    }
}
