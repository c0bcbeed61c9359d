namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>The tests that share one <see cref="InProcessSilo"/> (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<InProcessSilo>
{
    public const string Name = "in-process silo";
}
