using Orleans;

namespace CortexHub.Grains.Nodes;

[GenerateSerializer, Alias("cortexhub.NodeProvisionRequest")]
public sealed record NodeProvisionRequest([property: Id(0)] string Name, [property: Id(1)] string Owner, [property: Id(2)] IReadOnlyDictionary<string, string>? Labels = null);
