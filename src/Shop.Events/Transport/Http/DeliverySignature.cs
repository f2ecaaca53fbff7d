using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shop.Events.Transport.Http;

/// <summary>
/// Signs a delivery and checks a delivery's signature, in the header <see cref="HeaderName"/>:
/// <c>t={unix seconds},v1={hex HMAC-SHA256(secret, "{t}.{body}")}</c>. The timestamp is signed with the body, so a
/// delivery captured on the way cannot be replayed after <see cref="Tolerance"/>, nor its body changed.
/// </summary>
public sealed class DeliverySignature
{
    public const string HeaderName = "Shop-Event-Signature";

    /// <summary>How far a delivery's timestamp may be from this service's clock, either way.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string TimestampKey = "t";
    private const string SignatureKey = "v1";

    private readonly byte[] secret;
    private readonly TimeProvider clock;

    public DeliverySignature(string secret, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        this.secret = Encoding.UTF8.GetBytes(secret);
        this.clock = clock;
    }

    /// <summary>The header value that signs <paramref name="body"/> now.</summary>
    public string Sign(ReadOnlySpan<byte> body)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        return $"{TimestampKey}={timestamp.ToString(CultureInfo.InvariantCulture)},{SignatureKey}={Convert.ToHexStringLower(Mac(timestamp, body))}";
    }

    /// <summary>Whether <paramref name="header"/> signs <paramref name="body"/> with this secret, within <see cref="Tolerance"/> of now.</summary>
    public DeliverySignatureCheck Verify(string? header, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return DeliverySignatureCheck.Missing;
        }

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = part.IndexOf('=');
            if (separator <= 0)
            {
                return DeliverySignatureCheck.Malformed;
            }

            var (key, value) = (part[..separator], part[(separator + 1)..]);
            if (key == TimestampKey)
            {
                if (timestamp is not null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                {
                    return DeliverySignatureCheck.Malformed;
                }

                timestamp = seconds;
            }
            else if (key == SignatureKey)
            {
                // A signature is the size of a SHA-256 hash; anything else cannot match, and is not decoded.
                if (value.Length != 2 * HMACSHA256.HashSizeInBytes)
                {
                    return DeliverySignatureCheck.Malformed;
                }

                try
                {
                    signatures.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    return DeliverySignatureCheck.Malformed;
                }
            }
        }

        if (timestamp is not { } signedAt || signatures.Count == 0)
        {
            return DeliverySignatureCheck.Malformed;
        }

        if (signedAt > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(signedAt)).Duration() > Tolerance)
        {
            return DeliverySignatureCheck.Expired;
        }

        var expected = Mac(signedAt, body);
        var matched = false;
        // Every candidate is compared in constant time, so the answer's timing says nothing about how much of one matched.
        foreach (var signature in signatures)
        {
            matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        return matched ? DeliverySignatureCheck.Valid : DeliverySignatureCheck.Mismatch;
    }

    private byte[] Mac(long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

/// <summary>What checking a delivery's signature came to.</summary>
public enum DeliverySignatureCheck
{
    /// <summary>Signed with this secret, recently enough.</summary>
    Valid,

    /// <summary>No signature header.</summary>
    Missing,

    /// <summary>A header that is not <c>t={unix seconds},v1={hex}</c>.</summary>
    Malformed,

    /// <summary>Signed too long ago, or too far ahead of this service's clock.</summary>
    Expired,

    /// <summary>Not signed with this secret, or the body was changed.</summary>
    Mismatch
}
