using CortexHub.Agent.Logging;
using CortexHub.Protocol.V1;

namespace CortexHub.Agent.Tasks;

/// <summary>The registry as a stream to the hub sees it: what Hello lists, what Welcome resumes, what to send.</summary>
public sealed partial class TaskRegistry
{
    /// <summary>What Hello reports: every task held, with the highest sequence sent for it.</summary>
    public IReadOnlyList<RunningTask> GetRunningTasks()
    {
        lock (_lock)
        {
            return [.. _tasks.Values.Select(t => new RunningTask { TaskId = t.TaskId, LastSequenceSent = t.Events.HighestSentSequence })];
        }
    }

    /// <summary>
    /// A new stream was welcomed: for each task, drop what the hub already holds and resend the rest from there;
    /// tasks the hub does not know are killed and forgotten. Tasks Welcome does not mention resend everything
    /// not acknowledged.
    /// </summary>
    public void Resume(IEnumerable<TaskResume> resumes)
    {
        ArgumentNullException.ThrowIfNull(resumes);
        var byTask = new Dictionary<string, TaskResume>(StringComparer.Ordinal);
        foreach (var resume in resumes)
        {
            byTask[resume.TaskId] = resume;
        }

        foreach (var task in Snapshot())
        {
            if (!byTask.TryGetValue(task.TaskId, out var resume))
            {
                task.Events.ResumeFrom(task.Events.AckedSequence);
                continue;
            }

            if (!resume.Known)
            {
                Abandon(task);
                continue;
            }

            if (resume.AckedSequence < task.Events.AckedSequence)
            {
                // The hub once acknowledged more than it now says: those events are gone from here, the rest is resent.
                AgentLog.ResumeBehindLocalAck(_logger, task.TaskId, resume.AckedSequence, task.Events.AckedSequence);
            }

            if (task.Events.ResumeFrom(resume.AckedSequence))
            {
                Forget(task);
            }
        }

        _pending.Set();
    }

    /// <summary>
    /// Moves events the current stream has not carried yet into <paramref name="into"/>: up to
    /// <paramref name="maxPerTask"/> per task per call, so a task with a lot of output does not starve the others.
    /// </summary>
    /// <returns>How many events were added.</returns>
    public int TakePending(List<TaskEvent> into, int maxPerTask)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerTask, 1);
        var taken = 0;
        foreach (var task in Snapshot())
        {
            taken += task.Events.TakePending(into, maxPerTask);
        }

        return taken;
    }

    /// <summary>Waits until some task may have events to send (wake-ups can be spurious: call <see cref="TakePending"/>).</summary>
    public Task WaitForPendingAsync(CancellationToken cancellationToken) => _pending.WaitAsync(cancellationToken);
}
