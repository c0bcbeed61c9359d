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

    /// <summary>The user, when <paramref name="keyId"/> is one of their keys and the secret matches; else null.</summary>
    [Alias("Authenticate"), Idempotent]
    Task<UserSnapshot?> AuthenticateAsync(string keyId, string secret);

    [Alias("Get"), Idempotent]
    Task<UserSnapshot> GetAsync();
}
