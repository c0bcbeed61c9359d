namespace CortexHub.Cli.Api.Models;

/// <summary>GET /api/v1/me: who the API key belongs to.</summary>
public sealed record UserInfo(string UserId, string? Name, string? Role);
