namespace Shop.Tests.Infrastructure;

/// <summary>One process of a service run as several replicas: its instance name, process id and own address.</summary>
public sealed record Replica(string Id, int ProcessId, Uri Address);
