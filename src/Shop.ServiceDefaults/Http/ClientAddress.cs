using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Shop.ServiceDefaults.Http;

/// <summary>The client address that per-address limits count against.</summary>
public static class ClientAddress
{
    /// <summary>
    /// The client's address as a limit key: an IPv4 address as it is, an IPv6 address by its /64 network, since one
    /// household or host is given a whole /64 and could otherwise take a fresh limit for each of its 2^64 addresses.
    /// An IPv4 address mapped into IPv6 counts as the IPv4 address.
    /// </summary>
    public static string LimitKey(this HttpContext context) => LimitKey(context.Connection.RemoteIpAddress);

    public static string LimitKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
