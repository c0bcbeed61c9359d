using CortexHub.Grains.Tasks;

namespace CortexHub.Grains.Storage;

/// <summary>One task's events waiting for the next group commit.</summary>
internal sealed record PendingAppend(string TaskId, IReadOnlyList<TaskEventRecord> Events, DateTimeOffset Now) : IGroupCommitItem
{
    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Rows => Events.Count;
}
