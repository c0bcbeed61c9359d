using Orleans;

namespace CortexHub.Grains.Storage;

/// <summary>A queued command: its id and the serialized HubMessage to send.</summary>
[GenerateSerializer, Alias("cortexhub.NodeCommand")]
public sealed record NodeCommand([property: Id(0)] string CommandId, [property: Id(1)] byte[] Payload);
