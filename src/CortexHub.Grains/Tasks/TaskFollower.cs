using System.Runtime.CompilerServices;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// Live output of a task as a stream of journal events, resumable from any sequence number
/// (a reconnecting reader passes the last sequence it saw). Ends after the task's last event
/// once the task has finished.
/// </summary>
public sealed class TaskFollower(Orleans.IGrainFactory grains, TaskOutputSignals signals, TimeProvider time)
{
    /// <summary>How often a follower re-reads when no in-silo pulse arrived (the stored rows may come from another silo).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async IAsyncEnumerable<TaskEventRecord> FollowAsync(string taskId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var grain = grains.GetGrain<ITaskGrain>(taskId);
        var after = afterSequence;
        var pulse = Task.CompletedTask;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                pulse = signals.NextAsync(taskId);
                var page = await grain.ReadEventsAsync(after, 500);
                foreach (var e in page)
                {
                    yield return e;
                    after = e.Sequence;
                }

                if (page.Count > 0)
                {
                    continue;
                }

                var snapshot = await grain.GetAsync();
                if (!snapshot.Exists || (snapshot.IsFinished && after >= snapshot.AckedSequence))
                {
                    yield break;
                }

                try
                {
                    await pulse.WaitAsync(PollInterval, time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // Poll again.
                }
            }
        }
        finally
        {
            signals.Release(taskId, pulse);
        }
    }
}
