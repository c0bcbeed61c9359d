namespace CortexHub.Cli.Api.Models;

/// <summary>What a pool item runs.</summary>
public sealed record PoolWorkInfo(string Command);
