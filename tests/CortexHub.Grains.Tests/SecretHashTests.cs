using System.Security.Cryptography;
using System.Text;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Users;

namespace CortexHub.Grains.Tests;

/// <summary>How node tokens and API key secrets are stored: salted keyed hashes, with the bare SHA-256 of earlier versions still accepted.</summary>
public sealed class SecretHashTests
{
    [Fact]
    public void TokenHash_IsSaltedPerHash_NotTheBareSha256_AndMatchesOnlyItsToken()
    {
        var token = NodeTokens.Create();

        var (first, second) = (NodeTokens.Hash(token), NodeTokens.Hash(token));

        Assert.NotEqual(first, second); // a salt per hash: equal secrets do not show as equal hashes
        Assert.DoesNotContain(Sha256Hex(token), first);
        Assert.True(NodeTokens.Matches(token, first));
        Assert.True(NodeTokens.Matches(token, second));
        Assert.False(NodeTokens.Matches(token + "x", first));
        Assert.False(NodeTokens.Matches(token, first[..^1] + (first[^1] == '0' ? '1' : '0')));
        Assert.False(NodeTokens.Matches(token, "not a hash"));
    }

    [Fact]
    public void LegacySha256Hash_StillMatches_AndIsRecognisedForRewriting()
    {
        var token = NodeTokens.Create();
        var legacy = Sha256Hex(token);

        Assert.True(NodeTokens.Matches(token, legacy));
        Assert.False(NodeTokens.Matches(token + "x", legacy));
        Assert.True(NodeTokens.IsLegacy(legacy));
        Assert.False(NodeTokens.IsLegacy(NodeTokens.Hash(token)));
    }

    [Fact]
    public void NewApiKey_StoresASaltedHashOfItsSecret()
    {
        var (_, key, hash) = ApiKeys.Create("alice");
        ApiKeys.TryParse(key, out _, out _, out var secret);

        Assert.True(NodeTokens.Matches(secret, hash));
        Assert.False(NodeTokens.IsLegacy(hash));
        Assert.DoesNotContain(secret, hash);
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
