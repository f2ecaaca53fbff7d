namespace Shop.Tests.Infrastructure;

/// <summary>
/// Two replicas of every service whose per-address limit behind the orchestrator's proxy is low enough to reach, on a
/// topology of their own: the AppHost's own setting for it (<c>Services:ProxiedAddressLimits</c>) is lowered, so that
/// the limit reaches the services as it would on a developer's machine, and every client of the topology counts against it.
/// </summary>
public sealed class ReplicaProxyFixture() : ReplicaTopologyFixture($"Services:ProxiedAddressLimits:WritesPerAddressPerMinute={WritesPerAddressPerMinute}")
{
    public const int WritesPerAddressPerMinute = 10;
}
