using System.Security.Cryptography;
using System.Text;

namespace CortexHub.Grains.Nodes;

/// <summary>
/// Node tokens: 32 random bytes, shown once. Stored as SHA-256 (a high-entropy secret needs no slow
/// hash) and compared in constant time.
/// </summary>
public static class NodeTokens
{
    public const string Prefix = "chn_";

    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string token, string storedHash)
    {
        if (string.IsNullOrEmpty(token) || storedHash.Length != 64)
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        Span<byte> stored = stackalloc byte[32];
        return Convert.FromHexString(storedHash, stored, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(presented, stored);
    }
}
