using Orleans;

namespace CortexHub.Grains.Users;

/// <summary>A user's persisted state: profile and API keys (only salted hashes of the key secrets are kept).</summary>
[GenerateSerializer, Alias("cortexhub.UserState")]
public sealed record UserState
{
    [Id(0)]
    public bool Exists { get; init; }

    [Id(1)]
    public string Name { get; init; } = "";

    [Id(2)]
    public UserRole Role { get; init; }

    [Id(3)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(4)]
    public ApiKeyRecord[] Keys { get; init; } = [];

    /// <summary>A disabled user's keys authenticate nowhere until an admin enables the user again.</summary>
    [Id(5)]
    public bool Disabled { get; init; }
}
