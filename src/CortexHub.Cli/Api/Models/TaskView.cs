namespace CortexHub.Cli.Api.Models;

/// <summary>GET /api/v1/tasks/{id}: the task and what its journal holds.</summary>
public sealed record TaskView(
    TaskInfo Task,
    OutputView? Stdout,
    OutputView? Stderr,
    IReadOnlyList<ThoughtEvent>? Thoughts,
    long ThoughtsDropped,
    TaskProgressInfo? Progress,
    long FullLogBytes,
    long FullLogOmittedBytes);
