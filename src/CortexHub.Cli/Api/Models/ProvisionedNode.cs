namespace CortexHub.Cli.Api.Models;

/// <summary>POST /api/v1/nodes: the new node, its token (shown this once), the install script and the bare agent command.</summary>
public sealed record ProvisionedNode(NodeInfo Node, string Token, string InstallScript, string AgentCommand);
