using System.Net;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Every service accepts a token for <c>Identity:ClockSkew</c> (30 seconds) past its expiry, for clocks that differ a
/// little, and no longer: not JwtBearer's default five minutes.
/// </summary>
/// <remarks>
/// JwtBearer judges a token's lifetime on the machine's clock, which a fake clock cannot move; each token is made just
/// before it is sent, at least ten seconds inside or outside the leeway, so that a slow machine cannot tip the result.
/// </remarks>
public sealed class ClockSkewTests(InProcessServicesFixture services)
{
    [Theory]
    [InlineData(-60, HttpStatusCode.OK)]
    [InlineData(20, HttpStatusCode.OK)]
    [InlineData(40, HttpStatusCode.Unauthorized)]
    [InlineData(299, HttpStatusCode.Unauthorized)]
    public async Task ATokenIsGoodForHalfAMinutePastItsExpiryAndNoLonger(int secondsPastExpiry, HttpStatusCode expected)
    {
        using var client = services.Products.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TokenForge.InProcess.Create(ShopServices.Products, "7", role: ShopRoles.Customer,
            expires: DateTime.UtcNow.AddSeconds(-secondsPastExpiry)));

        var response = await client.GetAsync("/products", TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }
}
