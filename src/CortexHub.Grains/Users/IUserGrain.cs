using Orleans;

namespace CortexHub.Grains.Users;

/// <summary>A user of the HTTP API, CLI and dashboard. Key: user id.</summary>
[Alias("cortexhub.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user with a first API key and returns that key (the only time it is shown).</summary>
    /// <exception cref="InvalidOperationException">The user exists.</exception>
    [Alias("Create")]
    Task<string> CreateAsync(string name, UserRole role, string? presetKey = null);

    /// <summary>Adds an API key and returns it (shown once).</summary>
    /// <exception cref="InvalidOperationException">The user does not exist.</exception>
    [Alias("CreateKey")]
    Task<string> CreateKeyAsync(string label);

    /// <summary>The user's keys, oldest first (no secrets, no hashes); empty for a user that does not exist.</summary>
    [Alias("ListKeys"), Idempotent]
    Task<ApiKeyInfo[]> ListKeysAsync();

    /// <summary>Removes a key: from the moment this returns, it authenticates nowhere. False when there is no such key.</summary>
    /// <exception cref="InvalidOperationException">It is the user's last key (revoking it would lock them out; create another first).</exception>
    [Alias("RevokeKey")]
    Task<bool> RevokeKeyAsync(string keyId);

    /// <summary>Disables (none of the user's keys authenticates) or enables the user again; their keys are kept.</summary>
    /// <exception cref="InvalidOperationException">The user does not exist.</exception>
    [Alias("SetDisabled")]
    Task<UserSnapshot> SetDisabledAsync(bool disabled);

    /// <summary>The user, when they are enabled, <paramref name="keyId"/> is one of their keys and the secret matches; else null.</summary>
    [Alias("Authenticate"), Idempotent]
    Task<UserSnapshot?> AuthenticateAsync(string keyId, string secret);

    [Alias("Get"), Idempotent]
    Task<UserSnapshot> GetAsync();
}
