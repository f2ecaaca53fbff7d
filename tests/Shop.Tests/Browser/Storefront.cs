using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>
/// The web app as a person finds their way around it: by the roles and names its landmarks, links, buttons and fields
/// carry (the contract of the storefront's pages), never by CSS classes or element ids.
/// </summary>
public sealed partial class Storefront(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>The layout's banner: home link, search, basket, and who is signed in.</summary>
    public ILocator Banner => Page.GetByRole(AriaRole.Banner);

    public ILocator Main => Page.GetByRole(AriaRole.Main);

    /// <summary>The page's one h1.</summary>
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>The banner's basket link, whose name carries the item count ("Basket (2)").</summary>
    public ILocator BasketLink => Banner.GetByRole(AriaRole.Link, new() { NameRegex = BasketName() });

    public ILocator Alert => Page.GetByRole(AriaRole.Alert);

    public ILocator Link(string name) => Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>A product of the catalogue's list, found by the link named after it.</summary>
    public ILocator ProductItem(string name) => Main.GetByRole(AriaRole.Listitem).Filter(new() { Has = Link(name) });

    /// <summary>A line of the basket or of the checkout, found by its product's name.</summary>
    public ILocator Line(string product) => Main.GetByRole(AriaRole.Row).Filter(new() { HasText = product });

    /// <summary>An order's row in My orders or the back office, found by its link.</summary>
    public ILocator OrderRow(int orderId) => Main.GetByRole(AriaRole.Row).Filter(new() { Has = Link($"Order {orderId}") });

    public ILocator Quantity => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Quantity", Exact = true });

    public ILocator QuantityOf(string product) => Page.GetByRole(AriaRole.Spinbutton, new() { Name = $"Quantity of {product}", Exact = true });

    public Task ExpectHeadingAsync(string text) => Expect(Heading).ToHaveTextAsync(text);

    /// <summary>Opens <paramref name="path"/> of the web app and waits for its heading.</summary>
    public async Task OpenAsync(string path, string heading)
    {
        await Page.GotoAsync(path);
        await ExpectHeadingAsync(heading);
    }

    /// <summary>Searches the catalogue from the banner's search form.</summary>
    public async Task SearchAsync(string term)
    {
        await Banner.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" }).FillAsync(term);
        await Banner.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(SearchAddress());
        await ExpectHeadingAsync("Products");
    }

    /// <summary>Opens a product from the catalogue's list.</summary>
    public async Task OpenProductAsync(string name)
    {
        await ProductItem(name).GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await ExpectHeadingAsync(name);
    }

    /// <summary>Puts <paramref name="quantity"/> of the product shown into the basket, and lands on the basket.</summary>
    public async Task AddToBasketAsync(int quantity = 1)
    {
        await Quantity.FillAsync(quantity.ToString(CultureInfo.InvariantCulture));
        await Button("Add to basket").ClickAsync();
        await Expect(Page).ToHaveURLAsync(PathIs("/basket"));
        await ExpectHeadingAsync("Your basket");
    }

    /// <summary>Signs in on the users service's sign-in page, where the web app sent the browser.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await ExpectHeadingAsync("Sign in");
        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Button("Sign in").ClickAsync();
    }

    /// <summary>Signs in from the banner's link, and comes back signed in.</summary>
    public async Task SignInFromBannerAsync(string email, string password, string name)
    {
        await Banner.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await SignInAsync(email, password);
        await ExpectSignedInAsync(name);
    }

    public Task ExpectSignedInAsync(string name) => Expect(Banner.GetByText($"Signed in as {name}")).ToBeVisibleAsync();

    /// <summary>Checks out from the basket: the checkout page, once signed in.</summary>
    public async Task CheckOutFromBasketAsync()
    {
        await Link("Check out").ClickAsync();
        await Expect(Page).ToHaveURLAsync(PathIs("/checkout"));
        await ExpectHeadingAsync("Check out");
    }

    /// <summary>Waits for the confirmation of a placed order, and answers its id.</summary>
    public async Task<int> ConfirmedOrderAsync()
    {
        await Expect(Heading).ToHaveTextAsync(OrderHeading());
        await Expect(Main).ToContainTextAsync("Thank you");
        await Expect(Main).ToContainTextAsync("Confirmed");
        var id = int.Parse(OrderHeading().Match(await Heading.InnerTextAsync()).Groups[1].Value, CultureInfo.InvariantCulture);
        await Expect(Page).ToHaveURLAsync(PathIs($"/orders/{id}"));
        return id;
    }

    /// <summary>A regular expression for an address of the web app whose path is <paramref name="path"/>, whatever its query.</summary>
    public static Regex PathIs(string path) => new($"^https?://[^/]+{Regex.Escape(path)}(\\?.*)?$");

    [GeneratedRegex("^Basket")]
    private static partial Regex BasketName();

    [GeneratedRegex(@"^Order (\d+)$")]
    private static partial Regex OrderHeading();

    [GeneratedRegex(@"[?&]search=")]
    private static partial Regex SearchAddress();
}
