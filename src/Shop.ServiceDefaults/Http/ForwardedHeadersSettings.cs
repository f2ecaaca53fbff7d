using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// Which proxies a service believes about the client's address and scheme (<c>ForwardedHeaders:*</c>): only peers in
/// <see cref="TrustedNetworks"/>, none by default, so that a client reaching a service directly cannot pick the address
/// its per-address limits count against.
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string Section = "ForwardedHeaders";

    /// <summary>
    /// The networks of the proxies in front of the service (e.g. the ingress controller's pods, <c>10.0.0.0/8</c>), in CIDR
    /// notation; one address is a /32 (or /128). Empty: X-Forwarded-For and X-Forwarded-Proto are ignored.
    /// </summary>
    public string[] TrustedNetworks { get; set; } = [];

    /// <summary>
    /// How many proxies in a row, from the service outwards, the headers are read through: 1 for an ingress controller
    /// that the clients reach directly, one more for each trusted load balancer in front of it.
    /// </summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    /// <summary>The trusted networks, parsed; only called once validation has passed.</summary>
    public IEnumerable<IPNetwork> Networks() => TrustedNetworks.Select(network => IPNetwork.Parse(network));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var index = 0; index < TrustedNetworks.Length; index++)
        {
            if (!IsNetwork(TrustedNetworks[index]))
            {
                yield return new ValidationResult(
                    $"{Section}:{nameof(TrustedNetworks)}:{index} is '{TrustedNetworks[index]}', which is not a network in CIDR "
                    + "notation with its host bits zero, such as 10.0.0.0/8, 192.0.2.7/32 or fd00::/8.",
                    [nameof(TrustedNetworks)]);
            }
        }
    }

    /// <summary>
    /// A network in CIDR notation whose address is the network's own: 10.20.3.4/16 would be read as 10.20.0.0/16, when
    /// the operator may have meant the one address, so it is refused rather than guessed at.
    /// </summary>
    private static bool IsNetwork(string text) =>
        IPNetwork.TryParse(text, out var network)
        && IPAddress.TryParse(text.AsSpan(0, text.IndexOf('/', StringComparison.Ordinal)), out var address)
        && address.Equals(network.BaseAddress);
}
