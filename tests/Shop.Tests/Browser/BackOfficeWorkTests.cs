using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Shop.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>An administrator's day in the back office: a new product, an edit that meets someone else's, a customer's order cancelled.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BackOfficeWorkTests(SharedTopologyFixture topology, ChromiumFixture chromium)
    : SharedStorefrontTests(topology, chromium)
{
    [Fact]
    public async Task AnAdministratorCreatesAProductThatVisitorsThenFind()
    {
        var name = $"Teapot {NewTag()}";
        await SignInAsAdministratorAsync();

        await Store.OpenAsync("/admin/products/new", "New product");
        await Textbox("SKU").FillAsync($"TEA-{NewTag()}");
        await Textbox("Name").FillAsync(name);
        await Textbox("Price").FillAsync("19.90");
        await Textbox("Currency").FillAsync("EUR");
        await Stock.FillAsync("2");
        await Store.Button("Save").ClickAsync();
        await Expect(Store.Main.GetByText($"Saved {name}")).ToBeVisibleAsync();

        await Store.SearchAsync(name);
        var item = Store.ProductItem(name);
        await Expect(item).ToContainTextAsync("19.90 EUR");
        await Expect(item).ToContainTextAsync("Only 2 left");
    }

    [Fact]
    public async Task AProductThatChangedWhileItWasEditedIsShownAsItIsNowAndTheEditIsNotSaved()
    {
        var lamp = await Shop.CreateProductAsAdminAsync($"Desk lamp {NewTag()}", 35.00m, "EUR", stock: 8);
        await SignInAsAdministratorAsync();
        await Store.OpenAsync($"/admin/products/{lamp.Id}", $"Edit product {lamp.Id}");

        // Meanwhile another administrator sets the stock.
        var other = await Shop.As(Caller.Admin()).Products.PutAsJsonAsync($"/products/{lamp.Id}",
            new { sku = lamp.Sku, name = lamp.Name, price = 35.00m, currency = "EUR", stock = 5 }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        await Textbox("Name").FillAsync($"{lamp.Name} (renamed)");
        await Store.Button("Save").ClickAsync();

        await Expect(Store.Alert).ToContainTextAsync("changed while you were editing");
        await Expect(Stock).ToHaveValueAsync("5");
        await Expect(Textbox("Name")).ToHaveValueAsync(lamp.Name);
        await Page.AssertAccessibleAsync("the back office's product form after a conflict");
        var stored = await Shop.As(Caller.Admin()).Products.GetFromJsonAsync<ProductDto>($"/products/{lamp.Id}", TestContext.Current.CancellationToken);
        Assert.Equal(lamp.Name, stored!.Name);

        // Saved again from what the form now shows, the change goes through.
        await Textbox("Name").FillAsync($"{lamp.Name} (renamed)");
        await Store.Button("Save").ClickAsync();
        await Expect(Store.Main.GetByText($"Saved {lamp.Name} (renamed)")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnAdministratorFindsACustomersOrdersAndCancelsOne()
    {
        var customer = await Shop.CreateCustomerAsync($"Ola {NewTag()}");
        var vase = await Shop.CreateProductAsAdminAsync($"Vase {NewTag()}", 12.00m, "EUR", stock: 6);
        var order = await (await Shop.PlaceOrderAsync(customer.Id, null, (vase.Id, 2))).ReadAsync<OrderDto>(HttpStatusCode.Created);
        await SignInAsAdministratorAsync();

        await Store.OpenAsync("/admin/orders", "Back office: orders");
        await Textbox("Customer id").FillAsync(customer.Id.ToString(CultureInfo.InvariantCulture));
        await Store.Button("Filter").ClickAsync();
        var row = Store.OrderRow(order.Id);
        await Expect(row).ToContainTextAsync("Confirmed");
        await Expect(Store.Main.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Cancel order {order.Id}", Exact = true }).ClickAsync();

        await Expect(Store.OrderRow(order.Id)).ToContainTextAsync("Cancelled");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"customer={customer.Id}"));
        await Shop.StockSettlesAtAsync(vase.Id, 6);
    }

    private async Task SignInAsAdministratorAsync()
    {
        await Store.OpenAsync("/", "Products");
        await Store.SignInFromBannerAsync(AppHostSettings.AdminEmail, Shop.AdminPassword, "Administrator");
    }

    private ILocator Textbox(string name) => Page.GetByRole(AriaRole.Textbox, new() { Name = name, Exact = true });

    private ILocator Stock => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Stock", Exact = true });
}
