namespace CortexHub.Cli.Api.Models;

/// <summary>POST /api/v1/nodes/{id}/token: the node's new token (shown this once).</summary>
public sealed record NodeTokenInfo(string NodeId, string Token);
