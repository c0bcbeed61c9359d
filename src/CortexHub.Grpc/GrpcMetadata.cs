using System.Collections;

namespace CortexHub.Grpc;

/// <summary>
/// An ordered list of metadata entries: request headers, response headers or trailers.
/// Keys are lower-cased; a key may appear more than once.
/// </summary>
public sealed class GrpcMetadata : IReadOnlyList<GrpcMetadataEntry>
{
    /// <summary>Suffix of keys whose values are binary.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<GrpcMetadataEntry> _entries = [];

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public GrpcMetadataEntry this[int index] => _entries[index];

    /// <summary>Adds a text entry. The key must not end in <c>-bin</c>; the value must be printable ASCII.</summary>
    public GrpcMetadata Add(string key, string value)
    {
        key = NormalizeKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.EndsWith(BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' ends in '{BinarySuffix}': add a byte[] value.", nameof(key));
        }

        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new ArgumentException(
                    $"Metadata value of '{key}' contains a character outside printable ASCII; use a '-bin' key for binary data.",
                    nameof(value));
            }
        }

        _entries.Add(new GrpcMetadataEntry(key, value));
        return this;
    }

    /// <summary>Adds a binary entry. The key must end in <c>-bin</c>.</summary>
    public GrpcMetadata Add(string key, byte[] value)
    {
        key = NormalizeKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!key.EndsWith(BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{key}' must end in '{BinarySuffix}' to carry a binary value.", nameof(key));
        }

        _entries.Add(new GrpcMetadataEntry(key, value));
        return this;
    }

    /// <summary>The last text value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        var entry = Find(key);
        return entry?.Value;
    }

    /// <summary>The last binary value for <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key)
    {
        var entry = Find(key);
        return entry?.ValueBytes;
    }

    /// <summary>All entries for <paramref name="key"/>, in order.</summary>
    public IEnumerable<GrpcMetadataEntry> GetAll(string key)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Removes every entry for <paramref name="key"/>; returns how many were removed.</summary>
    public int Remove(string key) =>
        _entries.RemoveAll(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc />
    public IEnumerator<GrpcMetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds an entry already checked by the protocol layer (keys from received headers).</summary>
    internal void AddReceived(GrpcMetadataEntry entry) => _entries.Add(entry);

    private GrpcMetadataEntry? Find(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i];
            }
        }

        return null;
    }

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var lower = key.ToLowerInvariant();
        foreach (var c in lower)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
            if (!ok)
            {
                throw new ArgumentException($"Metadata key '{key}' is not valid: use a-z, 0-9, '-', '_' and '.'.", nameof(key));
            }
        }

        if (GrpcProtocol.IsReservedHeader(lower))
        {
            throw new ArgumentException($"Metadata key '{key}' is reserved by the gRPC protocol.", nameof(key));
        }

        return lower;
    }
}
