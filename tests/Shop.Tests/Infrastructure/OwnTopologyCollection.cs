namespace Shop.Tests.Infrastructure;

/// <summary>Tests that start topologies of their own run one at a time, beside the shared one.</summary>
[CollectionDefinition(Name)]
public sealed class OwnTopologyCollection
{
    public const string Name = "Own topology";
}
