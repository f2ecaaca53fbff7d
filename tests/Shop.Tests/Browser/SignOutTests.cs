using Microsoft.Playwright;
using Shop.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>Signing out of the storefront ends the session there and at the issuer: the next page that needs a person asks them to sign in.</summary>
public sealed class SignOutTests(SharedTopologyFixture topology, ChromiumFixture chromium)
    : SharedStorefrontTests(topology, chromium), IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task SigningOutEndsTheSessionAtTheStorefrontAndAtTheIssuer()
    {
        var (person, password) = await RegisteredCustomerAsync($"Rui {NewTag()}");
        await Store.OpenAsync("/", "Products");
        await Store.SignInFromBannerAsync(person.Email, password, person.Name);

        await Store.Banner.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        // The issuer asks once more, with a form no other site can submit for the person.
        await Store.ExpectHeadingAsync("Sign out");
        await Page.AssertAccessibleAsync("the issuer's sign-out page");
        await Store.Button("Sign out").ClickAsync();

        await Store.ExpectHeadingAsync("Products");
        await Expect(Store.Banner.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        await Expect(Store.Banner.GetByText($"Signed in as {person.Name}")).ToHaveCountAsync(0);

        await Page.GotoAsync("/orders");
        await Store.ExpectHeadingAsync("Sign in");
    }
}
