using System.Net;
using Microsoft.Extensions.Time.Testing;
using Shop.Tests.Infrastructure;
using Shop.Tests.Infrastructure.InProcess;

namespace Shop.Tests.Service;

/// <summary>
/// Every service accepts a token for <c>Identity:ClockSkew</c> (30 seconds) past its expiry, for clocks that differ a
/// little, and no longer: not JwtBearer's default five minutes. The service runs on a fake clock that stands still, so
/// how far past its expiry a token is does not depend on how fast the machine is.
/// </summary>
public sealed class ClockSkewTests
{
    [Theory]
    [InlineData(-60, HttpStatusCode.OK)]
    [InlineData(29, HttpStatusCode.OK)]
    [InlineData(31, HttpStatusCode.Unauthorized)]
    [InlineData(299, HttpStatusCode.Unauthorized)]
    public async Task ATokenIsGoodForHalfAMinutePastItsExpiryAndNoLonger(int secondsPastExpiry, HttpStatusCode expected)
    {
        // A day ahead of the machine: a token judged on the machine's clock instead would be good whatever the case says.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(1));
        await using var products = new ProductsServiceHost { Clock = clock };
        var expiry = clock.GetUtcNow().UtcDateTime.AddSeconds(-secondsPastExpiry);
        using var client = products.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TokenForge.InProcess.Create(ShopServices.Products, "7", role: ShopRoles.Customer, expires: expiry));
        var response = await client.GetAsync("/products", TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }
}
