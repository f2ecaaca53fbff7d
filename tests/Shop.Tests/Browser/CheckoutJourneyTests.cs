using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Shop.Tests.Browser;

/// <summary>
/// A person shops in a real browser: finds products, fills a basket before and after signing in or registering,
/// checks out and cancels; a double-clicked order and an order for more than the stock end as a person expects.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CheckoutJourneyTests(SharedTopologyFixture topology, ChromiumFixture chromium)
    : SharedStorefrontTests(topology, chromium)
{
    [Fact]
    public async Task AVisitorFillsABasketRegistersKeepsTheBasketChecksOutAndCancelsTheOrder()
    {
        var tag = NewTag();
        var mug = await Shop.CreateProductAsAdminAsync($"Blue mug {tag}", 12.50m, "EUR", stock: 10);
        var plate = await Shop.CreateProductAsAdminAsync($"Green plate {tag}", 8.00m, "EUR", stock: 10);
        var name = $"Robin {tag}";

        await Store.OpenAsync("/", "Products");
        await Expect(Store.Banner.GetByRole(AriaRole.Link, new() { Name = "Shop", Exact = true })).ToBeVisibleAsync();
        await Expect(Store.Banner.GetByRole(AriaRole.Link, new() { Name = "Register", Exact = true })).ToBeVisibleAsync();
        await Page.AssertAccessibleAsync("the catalogue");

        await Store.SearchAsync(tag);
        await Expect(Store.Main.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(2);
        await Expect(Store.ProductItem(mug.Name)).ToContainTextAsync("12.50");
        await Expect(Store.ProductItem(mug.Name)).ToContainTextAsync("In stock");
        await Expect(Store.ProductItem(plate.Name)).ToContainTextAsync("8.00");
        await Page.AssertAccessibleAsync("the catalogue's search results");
        await Page.SaveScreenshotAsync("catalogue");

        await Store.OpenProductAsync(mug.Name);
        await Expect(Store.Main).ToContainTextAsync("12.50");
        await Expect(Store.Main.GetByText("In stock", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(Store.Quantity).ToHaveValueAsync("1");
        await Page.AssertAccessibleAsync("a product page");
        await Page.SaveScreenshotAsync("product");
        await Store.AddToBasketAsync();
        await Expect(Store.BasketLink).ToHaveAccessibleNameAsync("Basket (1)");

        await Store.SearchAsync(tag);
        await Store.OpenProductAsync(plate.Name);
        await Store.AddToBasketAsync();
        await Expect(Store.Line(mug.Name)).ToBeVisibleAsync();
        await Expect(Store.Line(plate.Name)).ToBeVisibleAsync();
        await Expect(Store.Main).ToContainTextAsync("20.50");
        await Expect(Store.BasketLink).ToHaveAccessibleNameAsync("Basket (2)");
        await Page.AssertAccessibleAsync("the basket");
        await Page.SaveScreenshotAsync("basket");

        // Registering on the users service's page signs the new customer in and brings them back; the basket they
        // filled anonymously is theirs now.
        await Store.Banner.GetByRole(AriaRole.Link, new() { Name = "Register", Exact = true }).ClickAsync();
        await Store.ExpectHeadingAsync("Create an account");
        await Page.AssertAccessibleAsync("the users service's register page");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync($"{Guid.NewGuid():N}@example.com");
        await Page.GetByLabel("Age", new() { Exact = true }).FillAsync("29");
        await Page.GetByLabel(PasswordWithRule()).FillAsync(Guid.NewGuid().ToString("N"));
        await Store.Button("Create account").ClickAsync();
        await Store.ExpectSignedInAsync(name);
        await Expect(Store.Banner.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true })).ToBeVisibleAsync();

        await Store.BasketLink.ClickAsync();
        await Store.ExpectHeadingAsync("Your basket");
        await Expect(Store.Line(mug.Name)).ToBeVisibleAsync();
        await Expect(Store.Line(plate.Name)).ToBeVisibleAsync();
        await Expect(Store.BasketLink).ToHaveAccessibleNameAsync("Basket (2)");

        await Store.CheckOutFromBasketAsync();
        await Expect(Store.Line(mug.Name)).ToBeVisibleAsync();
        await Expect(Store.Line(plate.Name)).ToBeVisibleAsync();
        await Expect(Store.Main).ToContainTextAsync("20.50");
        await Page.AssertAccessibleAsync("the checkout");
        await Page.SaveScreenshotAsync("checkout");
        await Store.Button("Place order").ClickAsync();
        var orderId = await Store.ConfirmedOrderAsync();
        await Page.AssertAccessibleAsync("the order's confirmation");
        await Page.SaveScreenshotAsync("confirmation");
        Assert.Equal(9, await Shop.StockAsync(mug.Id));

        await Store.Banner.GetByRole(AriaRole.Link, new() { Name = "My orders", Exact = true }).ClickAsync();
        await Store.ExpectHeadingAsync("My orders");
        await Expect(Store.OrderRow(orderId)).ToContainTextAsync("Confirmed");
        await Expect(Store.OrderRow(orderId)).ToContainTextAsync("20.50");
        await Page.AssertAccessibleAsync("My orders");
        await Page.SaveScreenshotAsync("my-orders");

        await Store.OrderRow(orderId).GetByRole(AriaRole.Button, new() { Name = $"Cancel order {orderId}", Exact = true }).ClickAsync();
        await Expect(Store.OrderRow(orderId)).ToContainTextAsync("Cancelled");
        await Expect(Store.Button($"Cancel order {orderId}")).ToHaveCountAsync(0);
        await Page.AssertAccessibleAsync("My orders after a cancellation");
        await Shop.StockSettlesAtAsync(mug.Id, 10);
    }

    /// <remarks>
    /// Chromium sends a form once for a double click that lands before the first click's navigation begins; what reaches
    /// the server twice is a second click while the first one's answer is still on its way. So the first answer is held
    /// back, once the server has given it, until the person has clicked again; the browser then shows the second answer.
    /// </remarks>
    [Fact]
    public async Task PlaceOrderClickedTwiceBeforeTheAnswerPlacesOneOrder()
    {
        var tag = NewTag();
        var lamp = await Shop.CreateProductAsAdminAsync($"Desk lamp {tag}", 30.00m, "EUR", stock: 5);
        var (person, password) = await RegisteredCustomerAsync($"Kim {tag}");

        await Store.OpenAsync("/", "Products");
        await Store.Banner.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Store.ExpectHeadingAsync("Sign in");
        await Page.AssertAccessibleAsync("the users service's sign-in page");
        await Store.SignInAsync(person.Email, password);
        await Store.ExpectSignedInAsync(person.Name);

        await Store.OpenAsync($"/products/{lamp.Id}", lamp.Name);
        await Store.AddToBasketAsync();
        await Store.CheckOutFromBasketAsync();
        var placings = 0;
        var firstAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clickedAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Page.RouteAsync(Storefront.PathIs("/checkout"), async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }

            var placing = Interlocked.Increment(ref placings);
            if (placing > 1)
            {
                clickedAgain.TrySetResult();
            }

            var answer = await route.FetchAsync(new() { MaxRedirects = 0 });
            if (placing == 1)
            {
                firstAnswered.TrySetResult();
                await clickedAgain.Task;
            }

            try
            {
                await route.FulfillAsync(new() { Response = answer });
            }
            catch (PlaywrightException) when (placing == 1)
            {
                // The second click ended the first navigation: its answer has nowhere to go, as in a person's browser.
            }
        });

        // The mouse itself, as a person clicks: a locator's click would wait for the navigation, which is held back.
        var button = await Store.Button("Place order").BoundingBoxAsync() ?? throw new InvalidOperationException("Place order is not shown.");
        await Page.Mouse.ClickAsync(button.X + button.Width / 2, button.Y + button.Height / 2);
        await firstAnswered.Task.WaitAsync(ChromiumFixture.NavigationTimeout, TestContext.Current.CancellationToken);
        await Page.Mouse.ClickAsync(button.X + button.Width / 2, button.Y + button.Height / 2);
        var orderId = await Store.ConfirmedOrderAsync();

        Assert.Equal(2, placings);
        var orders = await Shop.OrdersOfAsync(person.Id);
        Assert.Equal([orderId], orders.Items.Select(order => order.Id));
        Assert.Equal(4, await Shop.StockAsync(lamp.Id));
        await Store.Banner.GetByRole(AriaRole.Link, new() { Name = "My orders", Exact = true }).ClickAsync();
        await Store.ExpectHeadingAsync("My orders");
        await Expect(Store.Main.GetByRole(AriaRole.Link, new() { NameRegex = OrderLink() })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AnOrderForMoreThanTheStockNamesTheProductAndKeepsTheBasket()
    {
        var tag = NewTag();
        var vase = await Shop.CreateProductAsAdminAsync($"Glass vase {tag}", 19.90m, "EUR", stock: 2);
        var (person, password) = await RegisteredCustomerAsync($"Sam {tag}");
        var other = await Shop.CreateCustomerAsync($"Alex {tag}");

        await Store.OpenAsync("/", "Products");
        await Store.SignInFromBannerAsync(person.Email, password, person.Name);
        await Store.OpenAsync($"/products/{vase.Id}", vase.Name);
        await Store.AddToBasketAsync(2);
        await Store.CheckOutFromBasketAsync();
        // Someone else buys one meanwhile.
        await Shop.PlacedOrderAsync(other.Id, (vase.Id, 1));

        await Store.Button("Place order").ClickAsync();

        await Expect(Store.Alert).ToContainTextAsync($"Not enough stock of {vase.Name}");
        await Expect(Page).ToHaveURLAsync(Storefront.PathIs("/checkout"));
        await Store.ExpectHeadingAsync("Check out");
        await Page.AssertAccessibleAsync("the checkout with a stock alert");
        Assert.Equal(0, (await Shop.OrdersOfAsync(person.Id)).TotalCount);
        Assert.Equal(1, await Shop.StockAsync(vase.Id));
        await Store.BasketLink.ClickAsync();
        await Store.ExpectHeadingAsync("Your basket");
        await Expect(Store.QuantityOf(vase.Name)).ToHaveValueAsync("2");
    }

    [GeneratedRegex(@"^Password \(at least \d+ characters\)$")]
    private static partial Regex PasswordWithRule();

    [GeneratedRegex(@"^Order \d+$")]
    private static partial Regex OrderLink();
}
