using CortexHub.Grains.Nodes;
using CortexHub.Runtime;

namespace CortexHub.Grains.Users;

[GrainType("user")]
public sealed class UserGrain : Grain<UserState>, IUserGrain
{
    public async Task<string> CreateAsync(string name, UserRole role, string? presetKey = null)
    {
        await RefreshStateAsync();
        if (State.Exists)
        {
            throw new InvalidOperationException($"User {GrainKey} already exists.");
        }

        var (keyId, key, hash) = ApiKeys.Create(GrainKey);
        if (presetKey is not null)
        {
            // A key from configuration (e.g. the first admin's): it must name this user.
            if (!ApiKeys.TryParse(presetKey, out var userId, out keyId, out var secret) || userId != GrainKey)
            {
                throw new ArgumentException($"The preset key must have the form {ApiKeys.Prefix}{GrainKey}.<key id>.<secret>.", nameof(presetKey));
            }

            (key, hash) = (presetKey, NodeTokens.Hash(secret));
        }

        var now = Time.GetUtcNow();
        State = new UserState { Exists = true, Name = name, Role = role, CreatedAt = now, Keys = [new ApiKeyRecord(keyId, hash, "first key", now)] };
        await WriteStateAsync();
        return key;
    }

    public async Task<string> CreateKeyAsync(string label)
    {
        await RefreshStateAsync();
        if (!State.Exists)
        {
            throw new InvalidOperationException($"User {GrainKey} does not exist.");
        }

        var (keyId, key, hash) = ApiKeys.Create(GrainKey);
        State = State with { Keys = [.. State.Keys, new ApiKeyRecord(keyId, hash, label, Time.GetUtcNow())] };
        await WriteStateAsync();
        return key;
    }

    public async Task<UserSnapshot?> AuthenticateAsync(string keyId, string secret)
    {
        await RefreshStateAsync();
        var record = State.Keys.FirstOrDefault(k => k.KeyId == keyId);
        return State.Exists && record is not null && NodeTokens.Matches(secret, record.SecretHash) ? Snapshot() : null;
    }

    public async Task<UserSnapshot> GetAsync()
    {
        await RefreshStateAsync();
        return Snapshot();
    }

    private UserSnapshot Snapshot() => new(GrainKey, State.Exists, State.Name, State.Role, State.CreatedAt, [.. State.Keys.Select(k => k.KeyId)]);
}
