namespace CortexHub;

/// <summary>Short ids that tie a logged error to what the caller was told.</summary>
public static class ErrorId
{
    /// <summary>12 hex characters: unique enough to grep logs for, short enough to read out.</summary>
    public static string New() => Guid.NewGuid().ToString("N")[..12];
}
