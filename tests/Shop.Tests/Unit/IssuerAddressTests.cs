using Microsoft.Extensions.Configuration;
using Shop.ServiceDefaults.Security;

namespace Shop.Tests.Unit;

/// <summary>
/// The issuer's public address is what every token names and every service accepts: unset, the users service's name
/// inside the network; set, an absolute http or https address ending in a slash, as OpenIddict writes it into tokens.
/// </summary>
public sealed class IssuerAddressTests
{
    [Fact]
    public void UnsetItIsTheUsersServicesNameInsideTheNetwork() =>
        Assert.Equal(ShopIdentity.Issuer, IssuerAddress.Get(Configuration(null)).AbsoluteUri);

    [Theory]
    [InlineData("http://localhost:5101/", "http://localhost:5101/")]
    [InlineData("https://shop.example", "https://shop.example/")]
    [InlineData("https://SHOP.example/identity", "https://shop.example/identity/")]
    [InlineData("https://shop.example/identity/", "https://shop.example/identity/")]
    public void SetItEndsInASlash(string configured, string expected) =>
        Assert.Equal(expected, IssuerAddress.Get(Configuration(configured)).AbsoluteUri);

    [Theory]
    [InlineData("shop.example")]
    [InlineData("/identity/")]
    [InlineData("ftp://shop.example/")]
    [InlineData("https://shop.example/?tenant=1")]
    [InlineData("https://shop.example/#top")]
    [InlineData("https://operator:secret@shop.example/")]
    public void AnythingButAnAbsoluteHttpAddressStopsTheService(string configured)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => IssuerAddress.Get(Configuration(configured)));

        Assert.Contains(ShopIdentity.IssuerSetting, refused.Message, StringComparison.Ordinal);
        Assert.Contains(configured, refused.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? issuer) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [ShopIdentity.IssuerSetting] = issuer }).Build();
}
