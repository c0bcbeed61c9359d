using CortexHub.Grains.Events;
using Microsoft.Extensions.Logging;
using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// <c>task.output</c> events: announced after the rows are durable, but off the append's path, so a
/// node's acknowledgement waits for the journal's commit only, not also for the event table's. One
/// announcement per task is in flight at a time; rows appended meanwhile go out together in the next
/// one (one event naming the whole range), so the event rate follows the event table's commit rate
/// instead of the rate of stream batches. The task's state events wait for these, so subscribers see
/// a task's output before its end.
/// </summary>
public sealed partial class TaskGrain
{
    private (long From, long To, long Bytes)? _unannounced;
    private Task _announcing = Task.CompletedTask;

    private void AnnounceOutput(long from, long to, long bytes)
    {
        _unannounced = _unannounced is { } pending ? (pending.From, to, pending.Bytes + bytes) : (from, to, bytes);
        if (_announcing.IsCompleted)
        {
            _announcing = AnnounceAsync(); // runs on this activation's scheduler, between its turns
        }
    }

    private async Task AnnounceAsync()
    {
        while (_unannounced is { } range)
        {
            _unannounced = null;
            try
            {
                await hub.PublishBestEffortAsync(logger, HubEventKinds.TaskOutput, "task:" + TaskId, State.Spec?.NodeId, State.Spec?.CreatedBy, TaskId,
                    new { fromSequence = range.From, toSequence = range.To, bytes = range.Bytes });
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Only the notification is lost (the silo is stopping, say): the rows are stored and readers see them.
                LogOutputNotAnnounced(ex, TaskId, range.From, range.To, ErrorId.New());
            }
        }
    }

    /// <summary>Completes once every append so far is announced (never throws).</summary>
    private Task OutputAnnouncedAsync() => _announcing;

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await OutputAnnouncedAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Deactivation ran out of time: the pending announcement is dropped, the rows are stored.
        }
    }

    [LoggerMessage(4111, LogLevel.Warning, "Task {TaskId}: the task.output event for sequences {From}–{To} was not published (error id {ErrorId}); the rows are stored")]
    private partial void LogOutputNotAnnounced(Exception exception, string taskId, long from, long to, string errorId);
}
