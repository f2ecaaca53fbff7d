using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Shop.OrderService.Webhooks;

/// <summary>
/// Where webhooks may be sent: absolute http or https addresses without user info, whose host resolves to public
/// addresses only, unless <see cref="WebhookOptions.AllowPrivateAddresses"/>. Otherwise anyone who can register an
/// endpoint could have the service post to what only it can reach: its database, the cloud's metadata service, an
/// admin page on loopback. The host is checked when the endpoint is registered, and again as each connection is made
/// (<see cref="ConnectAsync"/>), so that a name that resolves to a public address at registration and to a private
/// one later (DNS rebinding) is still refused.
/// </summary>
public sealed class WebhookAddressPolicy(IOptions<WebhookOptions> options)
{
    private static readonly byte[] Nat64Prefix = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>What is wrong with the address's form, or null when it is an absolute http or https URL without user info.</summary>
    public static string? FormProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "The field Url must be an absolute http or https URL.";
        }

        return uri.UserInfo.Length > 0 ? "The field Url must not contain user info; sign with the secret instead." : null;
    }

    /// <summary>Why the host of <paramref name="url"/> may not be sent to, or null when every address it resolves to may be.</summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(url.DnsSafeHost, cancellationToken);
        }
        catch (SocketException exception)
        {
            return $"The host {url.DnsSafeHost} cannot be resolved ({exception.SocketErrorCode}).";
        }

        return Refusal(url.DnsSafeHost, addresses);
    }

    /// <summary>
    /// Connects as <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, refuses it when any address is
    /// not allowed (<see cref="WebhookAddressRefusedException"/>), and otherwise connects to the addresses it checked.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        if (Refusal(host, addresses) is { } refusal)
        {
            throw new WebhookAddressRefusedException(refusal);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // An address is taken as it is: DNS would refuse to look up the unspecified one rather than answer it.
    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var address) ? [address] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    private string? Refusal(string host, IPAddress[] addresses)
    {
        if (addresses.Length == 0)
        {
            return $"The host {host} resolves to no address.";
        }

        if (options.Value.AllowPrivateAddresses)
        {
            return null;
        }

        return addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused
            ? $"The host {host} resolves to {refused}, which is not a public address."
            : null;
    }

    /// <summary>
    /// Whether <paramref name="address"/> is on the public internet: not unspecified, loopback, private (10/8,
    /// 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), shared (100.64/10), multicast or reserved,
    /// nor an IPv4-mapped, IPv4-compatible or NAT64 form of one of these.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(bytes[0] is 0 or 10 or 127 or >= 224
                || (bytes[0] == 100 && (bytes[1] & 0xC0) == 64)
                || (bytes[0] == 169 && bytes[1] == 254)
                || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16)
                || (bytes[0] == 192 && bytes[1] == 168));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        // ::/96 holds the unspecified and loopback addresses and the deprecated IPv4-compatible ones; 64:ff9b::/96 is
        // NAT64, which reaches the IPv4 address in its last four bytes.
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return false;
        }

        if (bytes.AsSpan(0, 12).SequenceEqual(Nat64Prefix))
        {
            return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        }

        return !(address.IsIPv6Multicast || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal);
    }
}

/// <summary>A webhook connection refused by <see cref="WebhookAddressPolicy"/>; the message says why.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);
