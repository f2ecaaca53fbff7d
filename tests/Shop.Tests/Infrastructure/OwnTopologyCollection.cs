namespace Shop.Tests.Infrastructure;

/// <summary>Tests that start or stop topologies of their own run one at a time, beside the shared one.</summary>
[CollectionDefinition(Name)]
public sealed class OwnTopologyCollection : ICollectionFixture<FaultTopologyFixture>
{
    public const string Name = "Own topology";
}
