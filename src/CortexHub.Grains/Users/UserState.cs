namespace CortexHub.Grains.Users;

/// <summary>A user's persisted state: profile and API keys (only SHA-256 hashes are kept).</summary>
public sealed record UserState
{
    public bool Exists { get; init; }

    public string Name { get; init; } = "";

    public UserRole Role { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<ApiKeyRecord> Keys { get; init; } = [];
}

/// <summary>One API key: its id (part of the key text), the hash of its secret, and a label.</summary>
public sealed record ApiKeyRecord(string KeyId, string SecretHash, string Label, DateTimeOffset CreatedAt);

/// <summary>A user as callers see it (no hashes).</summary>
public sealed record UserSnapshot(string UserId, bool Exists, string Name, UserRole Role, DateTimeOffset CreatedAt, IReadOnlyList<string> KeyIds);
