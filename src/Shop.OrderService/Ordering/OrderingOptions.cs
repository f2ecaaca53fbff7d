using System.ComponentModel.DataAnnotations;

namespace Shop.OrderService.Ordering;

public sealed class OrderingOptions
{
    public const string Section = "Ordering";

    /// <summary>How long an order may stay Pending before recovery finishes or undoes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often recovery looks for Pending and Failed orders and expired idempotency keys.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an Idempotency-Key and its answer are kept.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a repeat waits for the first request with its key to be answered.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan IdempotencyWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a replica keeps an order it has read, to show it again without the database; zero keeps none.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OrderCacheTimeToLive { get; set; } = TimeSpan.FromSeconds(10);
}
