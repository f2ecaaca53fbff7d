using Shop.Web.SignIn;

namespace Shop.Tests.Unit;

/// <summary>After signing in, registering or cancelling, the storefront sends the person back only to one of its own pages.</summary>
public sealed class ReturnAddressTests
{
    [Theory]
    [InlineData("/orders", "/orders")]
    [InlineData("/admin/orders?customer=4", "/admin/orders?customer=4")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/orders", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("orders", "/")]
    public void OnlyAPathOfTheShopIsWhereAPersonIsSentBack(string? asked, string expected) =>
        Assert.Equal(expected, SignInEndpoints.LocalOrHome(asked));
}
