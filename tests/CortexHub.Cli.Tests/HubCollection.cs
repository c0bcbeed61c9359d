namespace CortexHub.Cli.Tests;

/// <summary>The tests that share one <see cref="HubFixture"/> (a silo and a real node).</summary>
[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "hub";
}
