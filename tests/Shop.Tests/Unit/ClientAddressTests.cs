using System.Net;
using Shop.ServiceDefaults.Http;

namespace Shop.Tests.Unit;

public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void AClientCountsAgainstItsAddressOrItsIPv6Network(string address, string key) =>
        Assert.Equal(key, ClientAddress.LimitKey(IPAddress.Parse(address)));

    [Fact]
    public void TwoAddressesOfOneIPv6NetworkShareALimitAndTwoNetworksDoNot()
    {
        Assert.Equal(ClientAddress.LimitKey(IPAddress.Parse("2001:db8:0:7::1")), ClientAddress.LimitKey(IPAddress.Parse("2001:db8:0:7:ffff::2")));
        Assert.NotEqual(ClientAddress.LimitKey(IPAddress.Parse("2001:db8:0:7::1")), ClientAddress.LimitKey(IPAddress.Parse("2001:db8:0:8::1")));
    }
}
