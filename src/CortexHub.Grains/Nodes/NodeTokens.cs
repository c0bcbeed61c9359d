using System.Security.Cryptography;
using System.Text;

namespace CortexHub.Grains.Nodes;

/// <summary>
/// Node tokens: 32 random bytes, shown once. Stored as a salted HMAC-SHA256
/// (<c>s1.{salt hex}.{mac hex}</c>, a fresh 16-byte salt per hash), so a copy of the database does
/// not show which nodes or keys share a secret and a stored value cannot be looked up in a table of
/// precomputed hashes; one HMAC is microseconds, so checking it on every request and connect stays
/// cheap (a high-entropy secret needs no slow hash). Comparisons are constant-time. The bare SHA-256
/// hex that earlier versions stored still matches (<see cref="IsLegacy"/>), so stored state stays
/// readable; its holder rewrites it in the new form once it has matched.
/// </summary>
public static class NodeTokens
{
    public const string Prefix = "chn_";

    private const string SaltedPrefix = "s1.";
    private const int SaltBytes = 16;
    private const int MacBytes = 32;

    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The stored form of a secret (token or API key secret): salted, never the same twice.</summary>
    public static string Hash(string secret)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return $"{SaltedPrefix}{Convert.ToHexStringLower(salt)}.{Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret)))}";
    }

    /// <summary>A bare SHA-256 stored by an earlier version (to be rewritten with <see cref="Hash"/> once it matched).</summary>
    public static bool IsLegacy(string storedHash) => storedHash.Length == MacBytes * 2 && !storedHash.StartsWith(SaltedPrefix, StringComparison.Ordinal);

    /// <summary>
    /// <see cref="Matches(string, string)"/>, and when the stored form is an earlier version's bare
    /// SHA-256 that matched, the salted form to store instead (<paramref name="rehashed"/>; null otherwise).
    /// </summary>
    public static bool Matches(string secret, string storedHash, out string? rehashed)
    {
        var matches = Matches(secret, storedHash);
        rehashed = matches && IsLegacy(storedHash) ? Hash(secret) : null;
        return matches;
    }

    public static bool Matches(string secret, string storedHash)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        if (IsLegacy(storedHash))
        {
            return EqualsHex(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), storedHash);
        }

        var parts = storedHash.Split('.');
        Span<byte> salt = stackalloc byte[SaltBytes];
        return parts is [_, var saltHex, var macHex]
            && storedHash.StartsWith(SaltedPrefix, StringComparison.Ordinal)
            && Convert.FromHexString(saltHex, salt, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == SaltBytes
            && EqualsHex(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret)), macHex);
    }

    private static bool EqualsHex(ReadOnlySpan<byte> presented, string storedHex)
    {
        Span<byte> stored = stackalloc byte[MacBytes];
        return Convert.FromHexString(storedHex, stored, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == MacBytes
            && CryptographicOperations.FixedTimeEquals(presented, stored);
    }
}
