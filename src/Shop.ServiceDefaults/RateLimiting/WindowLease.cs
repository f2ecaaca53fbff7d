using System.Threading.RateLimiting;

namespace Shop.ServiceDefaults.RateLimiting;

/// <summary>The answer of a fixed-window limit: granted, or refused with how long until the client may try again.</summary>
public sealed class WindowLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
{
    public static RateLimitLease Granted { get; } = new WindowLease(acquired: true, retryAfter: null);

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name ? wait : null;
        return metadata is not null;
    }
}
