using Orleans;

namespace CortexHub.Grains.Users;

/// <summary>A user as callers see it (no hashes).</summary>
[GenerateSerializer, Alias("cortexhub.UserSnapshot")]
public sealed record UserSnapshot(
    [property: Id(0)] string UserId,
    [property: Id(1)] bool Exists,
    [property: Id(2)] string Name,
    [property: Id(3)] UserRole Role,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string[] KeyIds,
    [property: Id(6)] bool Disabled);
