namespace CortexHub.Agent.Tasks;

/// <summary>How one task's process is started, read and stopped.</summary>
public sealed class TaskRunnerOptions
{
    /// <summary>Default <see cref="ReadBufferSize"/>: 16 KiB.</summary>
    public const int DefaultReadBufferSize = 16 * 1024;

    /// <summary>Default <see cref="MaxQueuedInputBytes"/>: 8 MiB.</summary>
    public const long DefaultMaxQueuedInputBytes = 8 * 1024 * 1024;

    /// <summary>Default <see cref="Shell"/>: <c>/bin/bash</c>.</summary>
    public const string DefaultShell = "/bin/bash";

    /// <summary>Default <see cref="StopDrainTimeout"/>: 2 s.</summary>
    public static readonly TimeSpan DefaultStopDrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Bytes read from a pipe at a time; each read becomes at most one OutputChunk event, sent as soon as it is
    /// read (no line buffering). Default <see cref="DefaultReadBufferSize"/>.
    /// </summary>
    public int ReadBufferSize { get; set; } = DefaultReadBufferSize;

    /// <summary>
    /// Input bytes (TaskInput) of one task queued while its program does not read them. Past this bound a TaskInput
    /// is not confirmed, so the hub keeps it and delivers it again on the next stream; memory per task stays within
    /// this bound plus one chunk. Default <see cref="DefaultMaxQueuedInputBytes"/> (more than the 100 commands of 64 KiB
    /// the hub sends a stream at once).
    /// </summary>
    public long MaxQueuedInputBytes { get; set; } = DefaultMaxQueuedInputBytes;

    /// <summary>The shell that runs the command as <c>{Shell} -c {command}</c>. Default <see cref="DefaultShell"/>.</summary>
    public string Shell { get; set; } = DefaultShell;

    /// <summary>
    /// After a cancel or timeout killed the process group, how long output still in the pipes is read before it
    /// is given up (a process that left the group may keep a pipe open forever). Default
    /// <see cref="DefaultStopDrainTimeout"/>.
    /// </summary>
    public TimeSpan StopDrainTimeout { get; set; } = DefaultStopDrainTimeout;

    /// <summary>
    /// Start the shell in a new session and process group (<c>setsid</c>), so a kill reaches every process of the
    /// task. Default true; when <c>setsid</c> is not on PATH the agent logs a warning and falls back to killing
    /// the process tree.
    /// </summary>
    public bool UseProcessGroup { get; set; } = true;
}
