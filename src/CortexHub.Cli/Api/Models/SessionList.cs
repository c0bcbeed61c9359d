namespace CortexHub.Cli.Api.Models;

/// <summary>GET /api/v1/sessions: the caller's sessions, newest first.</summary>
public sealed record SessionList(IReadOnlyList<SessionView> Sessions);
