using Orleans;

namespace CortexHub.Grains.Users;

/// <summary>One API key: its id (part of the key text), the hash of its secret, and a label.</summary>
[GenerateSerializer, Alias("cortexhub.ApiKeyRecord")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string SecretHash,
    [property: Id(2)] string Label,
    [property: Id(3)] DateTimeOffset CreatedAt);
