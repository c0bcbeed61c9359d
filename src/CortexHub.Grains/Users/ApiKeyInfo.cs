using Orleans;

namespace CortexHub.Grains.Users;

/// <summary>An API key as its owner and admins see it: never the secret nor its hash.</summary>
[GenerateSerializer, Alias("cortexhub.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Label,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string? LastFour);
