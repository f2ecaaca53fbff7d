namespace Shop.Tests.Infrastructure;

/// <summary>
/// A topology of its own for tests that stop resources, so that they cannot disturb the shared one.
/// Stock is held for only two seconds without confirmation, and orders left Pending are recovered within
/// a second, so that the sweep and recovery can be watched.
/// </summary>
public sealed class FaultTopologyFixture : IAsyncLifetime
{
    public static readonly TimeSpan HoldTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a service waits for a cache call; long enough here that a wait for it cannot pass unnoticed.</summary>
    public static readonly TimeSpan CacheTimeout = TimeSpan.FromSeconds(1);

    private ShopTopology? _topology;

    public ShopTopology Topology => _topology ?? throw new InvalidOperationException("The topology has not started.");

    public async ValueTask InitializeAsync() => _topology = await ShopTopology.StartAsync(settings:
    [
        $"Reservations:HoldTimeout={HoldTimeout}",
        "Reservations:SweepInterval=00:00:00.500",
        "Ordering:PendingTimeout=00:00:05",
        "Ordering:RecoveryInterval=00:00:00.500",
        $"Cache:Timeout={CacheTimeout}"
    ]);

    public async ValueTask DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}
