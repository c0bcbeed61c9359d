namespace CortexHub.Cli.Api.Models;

/// <summary>POST /api/v1/tasks body; <see cref="Stdin"/> true keeps the task's stdin open for POST /tasks/{id}/input (omitted otherwise).</summary>
public sealed record DispatchRequest(string? Id, string NodeId, string Command, double? TimeoutSeconds, bool? Stdin = null);
