namespace CortexHub;

/// <summary>Identifies one grain: its type name (stable, persisted) and its key.</summary>
public readonly record struct GrainId
{
    /// <summary>Longest key accepted; keys are stored in indexed columns.</summary>
    public const int MaxKeyLength = 512;

    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"Grain key is {key.Length} characters; at most {MaxKeyLength} are allowed.", nameof(key));
        }

        Type = type;
        Key = key;
    }

    public string Type { get; }

    public string Key { get; }

    public override string ToString() => $"{Type}/{Key}";
}
