namespace CortexHub.Grpc;

/// <summary>
/// One metadata entry (an HTTP/2 header or trailer). Keys ending in <c>-bin</c> carry binary values,
/// sent base64-encoded; other keys carry printable ASCII text.
/// </summary>
public sealed class GrpcMetadataEntry
{
    private readonly string? _value;
    private readonly byte[]? _bytes;

    internal GrpcMetadataEntry(string key, string value)
    {
        Key = key;
        _value = value;
    }

    internal GrpcMetadataEntry(string key, byte[] bytes)
    {
        Key = key;
        _bytes = bytes;
    }

    /// <summary>The key, lower-case.</summary>
    public string Key { get; }

    /// <summary>True when the key ends in <c>-bin</c> and the value is binary.</summary>
    public bool IsBinary => _bytes is not null;

    /// <summary>The text value; for a binary entry, its base64 form.</summary>
    public string Value => _value ?? Convert.ToBase64String(_bytes!);

    /// <summary>The binary value; for a text entry, its ASCII bytes.</summary>
    public byte[] ValueBytes => _bytes ?? System.Text.Encoding.ASCII.GetBytes(_value!);

    /// <inheritdoc />
    public override string ToString() => $"{Key}: {Value}";
}
