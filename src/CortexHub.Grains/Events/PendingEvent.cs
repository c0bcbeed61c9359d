using CortexHub.Grains.Storage;

namespace CortexHub.Grains.Events;

/// <summary>An event waiting for the next group commit of the event table.</summary>
internal sealed record PendingEvent(HubEventDraft Draft) : IGroupCommitItem
{
    public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Rows => 1;
}
