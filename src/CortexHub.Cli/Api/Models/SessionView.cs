namespace CortexHub.Cli.Api.Models;

/// <summary>
/// A session (a task with a terminal) as the hub shows it; <see cref="State"/> is the task's state, <see cref="Outcome"/>
/// null until it is over.
/// </summary>
public sealed record SessionView(
    string Id,
    string? NodeId,
    string? Command,
    string? OpenedBy,
    DateTimeOffset? OpenedAt,
    string? State,
    int Columns,
    int Rows,
    int? ExitCode,
    string? Outcome,
    long OutputBytes);
