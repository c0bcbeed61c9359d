namespace CortexHub.Cli.Api.Models;

/// <summary>POST /api/v1/nodes body.</summary>
public sealed record ProvisionRequest(string Id, string? Name, IReadOnlyDictionary<string, string>? Labels);
