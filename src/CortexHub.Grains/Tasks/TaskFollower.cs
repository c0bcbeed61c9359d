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

                await WaitForPulseAsync(pulse, cancellationToken);
            }
        }
        finally
        {
            signals.Release(taskId, pulse);
        }
    }

    /// <summary>
    /// Live stdout bytes of a task (a session's terminal output) from byte offset <paramref name="after"/>,
    /// as retained slices of at most <paramref name="maxBytes"/>; ends after the last byte once the task
    /// finished. A slice that starts past the offset asked for means the bytes between are no longer
    /// retained (the reader fell behind the retained window).
    /// </summary>
    public async IAsyncEnumerable<OutputSlice> FollowOutputAsync(string taskId, long after, int maxBytes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var grain = grains.GetGrain<ITaskGrain>(taskId);
        var pulse = Task.CompletedTask;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                pulse = signals.NextAsync(taskId);
                var slice = await grain.ReadOutputAsync(after, maxBytes);
                if (slice.Data.Length > 0 || slice.Offset != after)
                {
                    yield return slice;
                    after = slice.Offset + slice.Data.Length;
                    continue;
                }

                if (slice.Finished)
                {
                    yield break;
                }

                await WaitForPulseAsync(pulse, cancellationToken);
            }
        }
        finally
        {
            signals.Release(taskId, pulse);
        }
    }

    private async Task WaitForPulseAsync(Task pulse, CancellationToken cancellationToken)
    {
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
