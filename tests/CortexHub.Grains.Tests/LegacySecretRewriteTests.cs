using System.Security.Cryptography;
using System.Text;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Users;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace CortexHub.Grains.Tests;

/// <summary>
/// Secrets an earlier version stored as a bare SHA-256 (state planted through the silo's own grain
/// storage, as that version wrote it) still match, and are stored salted from their first match on.
/// </summary>
public sealed class LegacySecretRewriteTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private IGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = await TestStorage.CreateAsync(StorageKind.Sqlite) });
        _storage = _cluster[0].Services.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task NodeToken_StoredAsBareSha256_ConnectsAndIsStoredSaltedFromThen()
    {
        var token = NodeTokens.Create();
        var node = _cluster.GetGrain<INodeGrain>("legacy-node");
        await _storage.WriteStateAsync("node", node.GetGrainId(), new GrainState<NodeState>(new NodeState { Provisioned = true, Name = "legacy-node", Owner = "admin", TokenHash = Sha256Hex(token) }));

        Assert.False(await node.AuthenticateAsync(token + "x"));
        Assert.True(NodeTokens.IsLegacy((await ReadAsync<NodeState>("node", node)).TokenHash), "a wrong token rewrote the stored hash");
        Assert.True(await node.AuthenticateAsync(token));

        var stored = (await ReadAsync<NodeState>("node", node)).TokenHash;
        Assert.False(NodeTokens.IsLegacy(stored), $"still the bare SHA-256 after a match: {stored}");
        Assert.True(NodeTokens.Matches(token, stored));
        Assert.True(await node.AuthenticateAsync(token));
    }

    [Fact]
    public async Task ApiKeySecret_StoredAsBareSha256_AuthenticatesAndIsStoredSaltedFromThen()
    {
        var (keyId, key, _) = ApiKeys.Create("legacy-user");
        ApiKeys.TryParse(key, out _, out _, out var secret);
        var user = _cluster.GetGrain<IUserGrain>("legacy-user");
        await _storage.WriteStateAsync("user", user.GetGrainId(), new GrainState<UserState>(new UserState
        {
            Exists = true, Name = "Legacy", CreatedAt = DateTimeOffset.UtcNow, Keys = [new ApiKeyRecord(keyId, Sha256Hex(secret), "old", DateTimeOffset.UtcNow)],
        }));

        Assert.NotNull(await user.AuthenticateAsync(keyId, secret));

        var stored = (await ReadAsync<UserState>("user", user)).Keys.Single().SecretHash;
        Assert.False(NodeTokens.IsLegacy(stored), $"still the bare SHA-256 after a match: {stored}");
        Assert.True(NodeTokens.Matches(secret, stored));
    }

    private async Task<T> ReadAsync<T>(string stateName, IAddressable grain) where T : new()
    {
        var state = new GrainState<T>();
        await _storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.State ?? throw new InvalidOperationException($"no {stateName} state stored");
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
