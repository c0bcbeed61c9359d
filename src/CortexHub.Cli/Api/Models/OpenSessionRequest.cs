namespace CortexHub.Cli.Api.Models;

/// <summary>POST /api/v1/sessions body; a null <see cref="Command"/> opens the user's login shell.</summary>
public sealed record OpenSessionRequest(string NodeId, string? Command, int Columns, int Rows, string? Term);
