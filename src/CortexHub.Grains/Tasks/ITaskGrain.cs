using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>One task: lifecycle, journal of events, result. Key: task id.</summary>
[Alias("cortexhub.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Creates the task and queues its dispatch in the target node's durable outbox.</summary>
    /// <exception cref="InvalidOperationException">A task with this id already exists.</exception>
    [Alias("Dispatch"), Idempotent]
    Task<TaskSnapshot> DispatchAsync(TaskSpec spec);

    /// <summary>
    /// Stores node events exactly once, in sequence order: duplicates are ignored, a gap stops the
    /// batch (reported in the result). Returns the durable position to acknowledge.
    /// </summary>
    [Alias("AppendEvents"), Idempotent]
    Task<AppendResult> AppendEventsAsync(string nodeId, IReadOnlyList<TaskEventRecord> events);

    /// <summary>
    /// As <see cref="AppendEventsAsync"/>, for the first events of this task on a new node stream.
    /// After Welcome a node sends each task's events from the oldest one it still holds, so events
    /// missing before that one were acknowledged by the hub and lost by storage: nobody can send
    /// them again. They are recorded as a <see cref="TaskEventKind.Lost"/> event and the batch is
    /// stored after it, so the task goes on instead of waiting for them forever.
    /// </summary>
    [Alias("AppendResumedEvents"), Idempotent]
    Task<AppendResult> AppendResumedEventsAsync(string nodeId, IReadOnlyList<TaskEventRecord> events);

    /// <summary>Queues a cancel command to the node running the task.</summary>
    [Alias("Cancel"), Idempotent]
    Task<TaskSnapshot> CancelAsync(string reason);

    /// <summary>
    /// Queues <paramref name="data"/> for the task's terminal or stdin in its node's durable outbox, after
    /// the input taken before; <paramref name="end"/> closes a plain task's stdin after it (ignored for a terminal).
    /// </summary>
    /// <exception cref="InvalidRequestException">More than <see cref="Limits.InputLimits.MaxInputBytes"/> bytes.</exception>
    /// <exception cref="InvalidOperationException">The task does not exist, takes no input (no terminal, stdin not open), its input ended, or it is over.</exception>
    [Alias("SendInput")]
    Task<InputAccepted> SendInputAsync(byte[] data, bool end);

    /// <summary>Resizes a session's terminal (1..1000 columns, 1..500 rows); the node applies the newest resize.</summary>
    /// <exception cref="InvalidRequestException">A size out of range.</exception>
    /// <exception cref="InvalidOperationException">The task does not exist, has no terminal, or is over.</exception>
    [Alias("Resize")]
    Task ResizeAsync(int columns, int rows);

    /// <summary>
    /// At most <paramref name="maxBytes"/> retained stdout bytes from byte offset <paramref name="after"/>
    /// (from the oldest retained byte when <paramref name="after"/> is older).
    /// </summary>
    [Alias("ReadOutput"), Idempotent]
    Task<OutputSlice> ReadOutputAsync(long after, int maxBytes);

    /// <summary>
    /// Adds a caller's thought (say, an agent's note on why it ran the task) to the thought log, after
    /// the events stored so far. Not a journal event: node sequence numbers stay the node's own.
    /// </summary>
    /// <exception cref="InvalidRequestException">The text is empty or longer than <see cref="Limits.InputLimits.MaxThoughtLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The task does not exist.</exception>
    [Alias("AddThought")]
    Task<TaskSnapshot> AddThoughtAsync(string text);

    /// <summary>Where a reconnecting node should resume: the acked sequence, or null when the task is not this node's.</summary>
    [Alias("GetResumePoint"), Idempotent]
    Task<long?> GetResumePointAsync(string nodeId);

    [Alias("Get"), Idempotent]
    Task<TaskSnapshot> GetAsync();

    /// <summary>Head/omitted/tail of stdout and stderr, the thought log and counters.</summary>
    [Alias("GetJournal"), Idempotent]
    Task<TaskJournal> GetJournalAsync();

    /// <summary>Journal events after <paramref name="afterSequence"/>, oldest first.</summary>
    [Alias("ReadEvents"), Idempotent]
    Task<IReadOnlyList<TaskEventRecord>> ReadEventsAsync(long afterSequence, int limit);

    /// <summary>Marks a running task lost now (its node came back without it); no-op once finished.</summary>
    [Alias("Abandon"), Idempotent]
    Task<TaskSnapshot> AbandonAsync(string reason);

    /// <summary>For a finished pool task, (re)sends its outcome to the pool; ignored by the pool if already recorded.</summary>
    [Alias("SyncPool"), Idempotent]
    Task SyncPoolAsync();
}
