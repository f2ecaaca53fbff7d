using Microsoft.Playwright;
using Shop.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>An administrator works in the back office, and the storefront shows what they changed.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BackOfficeJourneyTests(SharedTopologyFixture topology, ChromiumFixture chromium)
    : SharedStorefrontTests(topology, chromium)
{
    [Fact]
    public async Task AnAdministratorChangesAProductsStockAndTheProductPageShowsTheNewAvailability()
    {
        var tag = NewTag();
        var kettle = await Shop.CreateProductAsAdminAsync($"Kettle {tag}", 45.00m, "EUR", stock: 10);

        await Store.OpenAsync("/", "Products");
        await Store.SignInFromBannerAsync(AppHostSettings.AdminEmail, Shop.AdminPassword, "Administrator");
        await Store.Banner.GetByRole(AriaRole.Link, new() { Name = "Back office", Exact = true }).ClickAsync();
        await Store.ExpectHeadingAsync("Back office: products");
        await Expect(Store.Link("New product")).ToBeVisibleAsync();
        await Page.AssertAccessibleAsync("the back office's products");
        await Page.SaveScreenshotAsync("back-office-products");

        await Page.GotoAsync($"/admin/products/{kettle.Id}");
        await Expect(Textbox("SKU")).ToHaveValueAsync(kettle.Sku);
        await Expect(Textbox("Name")).ToHaveValueAsync(kettle.Name);
        await Expect(Textbox("Currency")).ToHaveValueAsync("EUR");
        await Expect(Stock).ToHaveValueAsync("10");
        await Page.AssertAccessibleAsync("the back office's product form");
        await Page.SaveScreenshotAsync("back-office-product-edit");

        await SetStockAsync(kettle, 3);
        await Store.OpenAsync($"/products/{kettle.Id}", kettle.Name);
        await Expect(Store.Main.GetByText("Only 3 left", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Store.Button("Add to basket")).ToBeVisibleAsync();

        await Page.GotoAsync($"/admin/products/{kettle.Id}");
        await SetStockAsync(kettle, 0);
        await Store.OpenAsync($"/products/{kettle.Id}", kettle.Name);
        await Expect(Store.Main.GetByText("Sold out", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Store.Button("Add to basket")).ToHaveCountAsync(0);
        await Page.AssertAccessibleAsync("a sold-out product page");
        Assert.Equal(0, await Shop.StockAsync(kettle.Id));
    }

    [Fact]
    public async Task TheBackOfficePagesPassTheAccessibilityScan()
    {
        await Store.OpenAsync("/", "Products");
        await Store.SignInFromBannerAsync(AppHostSettings.AdminEmail, Shop.AdminPassword, "Administrator");

        await Page.GotoAsync("/admin/products/new");
        await Expect(Textbox("SKU")).ToBeEmptyAsync();
        await Expect(Stock).ToBeVisibleAsync();
        await Page.AssertAccessibleAsync("the back office's new product form");

        await Store.OpenAsync("/admin/orders", "Back office: orders");
        await Expect(Textbox("Customer id")).ToBeVisibleAsync();
        await Expect(Store.Button("Filter")).ToBeVisibleAsync();
        await Page.AssertAccessibleAsync("the back office's orders");

        await Store.OpenAsync("/admin/users", "Back office: users");
        await Expect(Store.Main.GetByRole(AriaRole.Table)).ToContainTextAsync(AppHostSettings.AdminEmail);
        await Page.AssertAccessibleAsync("the back office's users");
    }

    [Fact]
    public async Task ACustomerIsRefusedTheBackOffice()
    {
        var (person, password) = await RegisteredCustomerAsync($"Jo {NewTag()}");

        await Store.OpenAsync("/", "Products");
        await Store.SignInFromBannerAsync(person.Email, password, person.Name);
        await Expect(Store.Banner.GetByRole(AriaRole.Link, new() { Name = "Back office", Exact = true })).ToHaveCountAsync(0);

        var response = await Page.GotoAsync("/admin/products");

        Assert.Equal(403, response?.Status);
        await Expect(Store.Main).ToContainTextAsync("You do not have access");
        await Page.AssertAccessibleAsync("the back office's refusal");
    }

    private ILocator Textbox(string name) => Page.GetByRole(AriaRole.Textbox, new() { Name = name, Exact = true });

    private ILocator Stock => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Stock", Exact = true });

    private async Task SetStockAsync(ProductDto product, int stock)
    {
        await Stock.FillAsync(stock.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Store.Button("Save").ClickAsync();
        await Expect(Page).ToHaveURLAsync(Storefront.PathIs("/admin/products"));
        await Expect(Store.Main.GetByText($"Saved {product.Name}")).ToBeVisibleAsync();
    }
}
