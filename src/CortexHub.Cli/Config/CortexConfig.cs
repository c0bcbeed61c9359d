namespace CortexHub.Cli.Config;

/// <summary>What <c>cortex login</c> saves: the hub's address and the API key (the file is mode 600).</summary>
public sealed record CortexConfig(string? Hub, string? ApiKey);
