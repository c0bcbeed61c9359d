using CortexHub.Grains.Nodes;
using CortexHub.Grains.Storage;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Users;

/// <summary>
/// One user's profile and API keys. Orleans keeps one activation per user in the cluster, so
/// reads need no refresh; each change is written before it is acknowledged.
/// </summary>
[Orleans.GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user", GrainStorage.Name)] IPersistentState<UserState> user,
    LegacyGrainState legacy,
    TimeProvider time) : Grain, IUserGrain
{
    private string UserId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!user.RecordExists && await legacy.ReadAsync<UserState>("user", UserId, cancellationToken) is { } saved)
        {
            user.State = saved; // created by an earlier CortexHub: its keys keep working
            await user.WriteStateAsync();
        }
    }

    public async Task<string> CreateAsync(string name, UserRole role, string? presetKey = null)
    {
        if (user.State.Exists)
        {
            throw new InvalidOperationException($"User {UserId} already exists.");
        }

        var (keyId, key, hash) = ApiKeys.Create(UserId);
        if (presetKey is not null)
        {
            // A key from configuration (e.g. the first admin's): it must name this user.
            if (!ApiKeys.TryParse(presetKey, out var userId, out keyId, out var secret) || userId != UserId)
            {
                throw new ArgumentException($"The preset key must have the form {ApiKeys.Prefix}{UserId}.<key id>.<secret>.", nameof(presetKey));
            }

            (key, hash) = (presetKey, NodeTokens.Hash(secret));
        }

        var now = time.GetUtcNow();
        user.State = new UserState { Exists = true, Name = name, Role = role, CreatedAt = now, Keys = [new ApiKeyRecord(keyId, hash, "first key", now)] };
        await user.WriteStateAsync();
        return key;
    }

    public async Task<string> CreateKeyAsync(string label)
    {
        if (!user.State.Exists)
        {
            throw new InvalidOperationException($"User {UserId} does not exist.");
        }

        var (keyId, key, hash) = ApiKeys.Create(UserId);
        user.State = user.State with { Keys = [.. user.State.Keys, new ApiKeyRecord(keyId, hash, label, time.GetUtcNow())] };
        await user.WriteStateAsync();
        return key;
    }

    public Task<UserSnapshot?> AuthenticateAsync(string keyId, string secret)
    {
        var record = user.State.Keys.FirstOrDefault(k => k.KeyId == keyId);
        return Task.FromResult(user.State.Exists && record is not null && NodeTokens.Matches(secret, record.SecretHash) ? Snapshot() : null);
    }

    public Task<UserSnapshot> GetAsync() => Task.FromResult(Snapshot());

    private UserSnapshot Snapshot() =>
        new(UserId, user.State.Exists, user.State.Name, user.State.Role, user.State.CreatedAt, [.. user.State.Keys.Select(k => k.KeyId)]);
}
