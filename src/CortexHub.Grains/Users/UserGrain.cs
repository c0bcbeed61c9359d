using CortexHub.Grains.Nodes;
using CortexHub.Grains.Storage;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Grains.Users;

/// <summary>
/// One user's profile and API keys. Orleans keeps one activation per user in the cluster, so
/// reads need no refresh and a revoked key or a disabled user is refused on every silo as soon as
/// the change is written; each change is written before it is acknowledged.
/// </summary>
[Orleans.GrainType("user")]
public sealed class UserGrain(
    [PersistentState("user", GrainStorage.Name)] IPersistentState<UserState> user,
    LegacyGrainState legacy,
    NodeRegistry nodes,
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
        user.State = new UserState { Exists = true, Name = name, Role = role, CreatedAt = now, Keys = [new ApiKeyRecord(keyId, hash, "first key", now, key[^4..])] };
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
        user.State = user.State with { Keys = [.. user.State.Keys, new ApiKeyRecord(keyId, hash, label, time.GetUtcNow(), key[^4..])] };
        await user.WriteStateAsync();
        return key;
    }

    public Task<ApiKeyInfo[]> ListKeysAsync() =>
        Task.FromResult(user.State.Keys.Select(k => new ApiKeyInfo(k.KeyId, k.Label, k.CreatedAt, k.LastFour)).ToArray());

    public async Task<bool> RevokeKeyAsync(string keyId)
    {
        if (!user.State.Exists || user.State.Keys.All(k => k.KeyId != keyId))
        {
            return false;
        }

        if (user.State.Keys.Length == 1)
        {
            throw new InvalidOperationException($"Key {keyId} is the last key of {UserId}; create another key before revoking it.");
        }

        user.State = user.State with { Keys = [.. user.State.Keys.Where(k => k.KeyId != keyId)] };
        await user.WriteStateAsync();
        return true;
    }

    public async Task<UserSnapshot> SetDisabledAsync(bool disabled)
    {
        if (!user.State.Exists)
        {
            throw new InvalidOperationException($"User {UserId} does not exist.");
        }

        if (user.State.Disabled != disabled)
        {
            user.State = user.State with { Disabled = disabled };
            await user.WriteStateAsync();
        }

        if (disabled)
        {
            // Their nodes' tokens stop working like their keys: end the streams already open.
            await Task.WhenAll((await nodes.ListAsync(UserId)).Select(n => GrainFactory.GetGrain<INodeGrain>(n.NodeId).OwnerDisabledAsync()));
        }

        return Snapshot();
    }

    public async Task<UserSnapshot?> AuthenticateAsync(string keyId, string secret)
    {
        var record = user.State.Keys.FirstOrDefault(k => k.KeyId == keyId);
        if (!user.State.Exists || user.State.Disabled || record is null || !NodeTokens.Matches(secret, record.SecretHash, out var rehashed))
        {
            return null;
        }

        if (rehashed is not null)
        {
            user.State = user.State with { Keys = [.. user.State.Keys.Select(k => k == record ? k with { SecretHash = rehashed } : k)] };
            await user.WriteStateAsync();
        }

        return Snapshot();
    }

    public Task<UserSnapshot> GetAsync() => Task.FromResult(Snapshot());

    private UserSnapshot Snapshot() =>
        new(UserId, user.State.Exists, user.State.Name, user.State.Role, user.State.CreatedAt, [.. user.State.Keys.Select(k => k.KeyId)], user.State.Disabled);
}
