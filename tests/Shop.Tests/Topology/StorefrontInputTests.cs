using System.Net;
using Shop.Tests.Infrastructure;

namespace Shop.Tests.Topology;

/// <summary>
/// Hostile or broken input to the storefront's pages and forms gets a 4xx page that says what to fix, never a 500 or a
/// stack trace, and changes nothing: a form without the site's antiforgery token is refused, whoever sends it.
/// </summary>
public sealed class StorefrontInputTests(SharedTopologyFixture fixture) : SharedTopologyTests(fixture)
{
    [Theory]
    [InlineData("/basket/lines/1")]
    [InlineData("/basket/lines/1/remove")]
    [InlineData("/signout")]
    public async Task AFormPostedWithoutTheSitesAntiforgeryTokenIsRefused(string path)
    {
        using var web = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Shop.AddressOf(ShopServices.Web) };

        var response = await web.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["quantity"] = "5" }), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/?search=%00", HttpStatusCode.BadRequest)]
    [InlineData("/?search=%1B%5B31m", HttpStatusCode.BadRequest)]
    [InlineData("/?page=abc", HttpStatusCode.OK)]
    [InlineData("/?page=-5", HttpStatusCode.OK)]
    [InlineData("/?page=99999999999999", HttpStatusCode.OK)]
    [InlineData("/products/abc", HttpStatusCode.NotFound)]
    [InlineData("/products/99999999999", HttpStatusCode.NotFound)]
    [InlineData("/products/2147483647", HttpStatusCode.NotFound)]
    [InlineData("/orders/1?cancelled=%27%22%3E", HttpStatusCode.Redirect)]
    [InlineData("/no/such/page", HttpStatusCode.NotFound)]
    public async Task BrokenAddressesGetAPageThatSaysSoNeverAServerError(string path, HttpStatusCode expected)
    {
        using var web = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Shop.AddressOf(ShopServices.Web) };

        var response = await web.GetAsync(path, Cancellation);

        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASearchIsShownAsTextNeverAsMarkup()
    {
        using var web = ShopTopology.ClientOf(Shop.AddressOf(ShopServices.Web));

        var page = await web.GetStringAsync("/?search=%3Cscript%3Ealert(1)%3C%2Fscript%3E", Cancellation);

        Assert.DoesNotContain("<script>alert(1)</script>", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("99999999999")]
    [InlineData("")]
    public async Task AQuantityThatIsNotAWholeNumberInRangeIsRefusedAndTheBasketStaysEmpty(string quantity)
    {
        var product = await Shop.CreateProductAsAdminAsync(name: "Input test mug", stock: 50);
        using var browser = BrowserSession.Over(Shop.AddressOf(ShopServices.Web));
        var page = await browser.OpenAsync($"/products/{product.Id}");

        // Sent as a client that skips the browser's own checks of the field (min, max, required) would send it.
        var form = page.Form("Add to basket");
        form.SetAttribute("novalidate", "");
        var refused = await browser.SubmitAsync(form, new Dictionary<string, string> { ["Quantity"] = quantity });

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Enter a whole number from 1 to 1000", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Your basket is empty", (await browser.OpenAsync("/basket")).Text, StringComparison.Ordinal);
    }
}
