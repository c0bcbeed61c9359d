using Orleans;

namespace CortexHub.Grains.Users;

/// <summary>
/// One API key: its id (part of the key text), the salted hash of its secret, a label, and the key's
/// last four characters so its owner can tell keys apart (null for keys made before they were kept).
/// </summary>
[GenerateSerializer, Alias("cortexhub.ApiKeyRecord")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string SecretHash,
    [property: Id(2)] string Label,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] string? LastFour = null);
