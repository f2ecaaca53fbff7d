using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>Shopping without a mouse, and on a phone's narrow screen.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AccessibleShoppingTests(SharedTopologyFixture topology, ChromiumFixture chromium)
    : SharedStorefrontTests(topology, chromium)
{
    /// <summary>More stops than any page of the shop has before its main action.</summary>
    private const int MostTabStops = 60;

    [Fact]
    public async Task APersonChecksOutWithTheKeyboardAlone()
    {
        var tag = NewTag();
        var teapot = await Shop.CreateProductAsAdminAsync($"Teapot {tag}", 22.00m, "EUR", stock: 6);
        var (person, password) = await RegisteredCustomerAsync($"Lee {tag}");

        await Store.OpenAsync("/", "Products");
        await TabToAsync(Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" }));
        await Page.Keyboard.TypeAsync(tag);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Store.ProductItem(teapot.Name)).ToBeVisibleAsync();

        await TabToAsync(Store.Link(teapot.Name));
        await Page.Keyboard.PressAsync("Enter");
        await Store.ExpectHeadingAsync(teapot.Name);
        await TabToAsync(Store.Button("Add to basket"));
        await Page.Keyboard.PressAsync("Space");
        await Store.ExpectHeadingAsync("Your basket");
        await Expect(Store.Line(teapot.Name)).ToBeVisibleAsync();

        await TabToAsync(Store.Link("Check out"));
        await Page.Keyboard.PressAsync("Enter");
        await Store.ExpectHeadingAsync("Sign in");
        await TabToAsync(Page.GetByLabel("Email", new() { Exact = true }));
        await Page.Keyboard.TypeAsync(person.Email);
        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByLabel("Password", new() { Exact = true })).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync(password);
        await Page.Keyboard.PressAsync("Enter");

        await Store.ExpectHeadingAsync("Check out");
        await Expect(Store.Line(teapot.Name)).ToBeVisibleAsync();
        await TabToAsync(Store.Button("Place order"));
        await Page.Keyboard.PressAsync("Space");
        var orderId = await Store.ConfirmedOrderAsync();
        Assert.Equal([orderId], (await Shop.OrdersOfAsync(person.Id)).Items.Select(order => order.Id));
    }

    [Fact]
    public async Task AtAPhonesWidthNothingScrollsSidewaysAndTheBasketAndCheckoutWork()
    {
        var tag = NewTag();
        var towel = await Shop.CreateProductAsAdminAsync($"Tea towel {tag}", 6.50m, "EUR", stock: 8);
        await Shop.CreateProductAsAdminAsync($"Oven glove {tag}", 9.00m, "EUR", stock: 8);
        await Shop.CreateProductAsAdminAsync($"Bread board {tag}", 18.00m, "EUR", stock: 8);
        var (person, password) = await RegisteredCustomerAsync($"Ali {tag}");
        await Page.SetViewportSizeAsync(390, 844);

        await Store.OpenAsync("/", "Products");
        await Page.AssertNoHorizontalScrollingAsync("The catalogue");
        await Store.SearchAsync(tag);
        await Expect(Store.Main.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        await Page.AssertNoHorizontalScrollingAsync("The search results");
        await Page.AssertAccessibleAsync("the catalogue at a phone's width");
        await Page.SaveScreenshotAsync("catalogue-390");

        await Store.OpenProductAsync(towel.Name);
        await Page.AssertNoHorizontalScrollingAsync("A product page");
        await Page.AssertWithinWidthAsync(Store.Button("Add to basket"), "The button Add to basket");
        await Store.AddToBasketAsync(2);
        await Page.AssertNoHorizontalScrollingAsync("The basket");
        await Expect(Store.Main).ToContainTextAsync("13.00");

        await Store.QuantityOf(towel.Name).FillAsync("3");
        await Page.AssertWithinWidthAsync(Store.Line(towel.Name).GetByRole(AriaRole.Button, new() { NameRegex = UpdateButton() }), "The button Update");
        await Store.Line(towel.Name).GetByRole(AriaRole.Button, new() { NameRegex = UpdateButton() }).ClickAsync();
        await Expect(Store.QuantityOf(towel.Name)).ToHaveValueAsync("3");
        await Expect(Store.Main).ToContainTextAsync("19.50");
        await Page.AssertNoHorizontalScrollingAsync("The basket after an update");
        await Page.AssertAccessibleAsync("the basket at a phone's width");

        await Page.AssertWithinWidthAsync(Store.Link("Check out"), "The link Check out");
        await Store.Link("Check out").ClickAsync();
        await Page.AssertNoHorizontalScrollingAsync("The sign-in page");
        await Store.SignInAsync(person.Email, password);
        await Store.ExpectHeadingAsync("Check out");
        await Page.AssertNoHorizontalScrollingAsync("The checkout");
        await Page.AssertWithinWidthAsync(Store.Button("Place order"), "The button Place order");
        await Store.Button("Place order").ClickAsync();
        await Store.ConfirmedOrderAsync();
        await Page.AssertNoHorizontalScrollingAsync("The order's confirmation");
        Assert.Equal(5, await Shop.StockAsync(towel.Id));
    }

    /// <summary>Presses Tab until <paramref name="target"/> has the focus, as a person moves through a page with the keyboard.</summary>
    private async Task TabToAsync(ILocator target)
    {
        await Expect(target).ToBeVisibleAsync();
        for (var stops = 0; stops < MostTabStops; stops++)
        {
            await Page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }
        }

        var focused = await Page.EvaluateAsync<string>("() => document.activeElement?.outerHTML ?? 'nothing'");
        Assert.Fail($"{MostTabStops} presses of Tab on {Page.Url} never reached {target}; the focus is on {focused}.");
    }

    [GeneratedRegex("^Update")]
    private static partial Regex UpdateButton();
}
