namespace CortexHub.Cli.Api.Models;

/// <summary>A task snapshot (POST /api/v1/tasks, GET /api/v1/tasks); transitions map a state to when it was entered.</summary>
public sealed record TaskInfo(
    string TaskId,
    bool Exists,
    TaskSpecInfo? Spec,
    string? State,
    IReadOnlyDictionary<string, DateTimeOffset>? Transitions,
    long AckedSequence,
    TaskResultData? Result)
{
    /// <summary>When the task was created: its earliest transition.</summary>
    public DateTimeOffset? CreatedAt => Transitions is { Count: > 0 } t ? t.Values.Min() : null;
}
