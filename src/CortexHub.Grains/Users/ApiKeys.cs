using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace CortexHub.Grains.Users;

/// <summary>
/// API key text: <c>chk.{userId}.{keyId}.{secret}</c>. The user id and key id let the hub find the
/// hash to compare with one grain call (no table scan); only a salted hash of the secret is stored
/// (<see cref="Nodes.NodeTokens.Hash"/>) and comparisons are constant-time.
/// </summary>
public static partial class ApiKeys
{
    public const string Prefix = "chk.";

    /// <summary>User ids: 1 to 64 of a-z, 0-9, '-' and '_' (they appear inside keys and URLs).</summary>
    public static bool IsValidUserId(string? userId) => userId is not null && UserIdPattern().IsMatch(userId);

    public static (string KeyId, string Key, string SecretHash) Create(string userId)
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (keyId, $"{Prefix}{userId}.{keyId}.{secret}", Nodes.NodeTokens.Hash(secret));
    }

    /// <summary>Splits a presented key; false when it is not shaped like one of ours.</summary>
    public static bool TryParse(string? key, out string userId, out string keyId, out string secret)
    {
        userId = keyId = secret = "";
        if (key is null || !key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[Prefix.Length..].Split('.');
        if (parts.Length != 3 || !IsValidUserId(parts[0]) || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return false;
        }

        (userId, keyId, secret) = (parts[0], parts[1], parts[2]);
        return true;
    }

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex UserIdPattern();
}
