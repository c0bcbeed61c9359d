namespace CortexHub.Agent.Tasks;

/// <summary>Limits of the tasks a node holds.</summary>
public sealed class TaskRegistryOptions
{
    /// <summary>Default <see cref="MaxUnackedBytes"/>: 8 MiB.</summary>
    public const long DefaultMaxUnackedBytes = 8 * 1024 * 1024;

    /// <summary>Smallest accepted <see cref="MaxUnackedBytes"/>: 1 KiB.</summary>
    public const long MinMaxUnackedBytes = 1024;

    /// <summary>Default <see cref="RememberedCommandIds"/>: 10,000.</summary>
    public const int DefaultRememberedCommandIds = 10_000;

    /// <summary>
    /// Output bytes of one task kept while the hub has not acknowledged them. At this bound the task's pipes are
    /// no longer read until acks arrive, so the command blocks on a full pipe: memory stays bounded by about this
    /// much (plus one read buffer) per task, connected or not. Default <see cref="DefaultMaxUnackedBytes"/>.
    /// </summary>
    public long MaxUnackedBytes { get; set; } = DefaultMaxUnackedBytes;

    /// <summary>
    /// How many recent command ids are remembered to drop redelivered dispatches and cancels (the hub's outbox
    /// delivers at least once). Default <see cref="DefaultRememberedCommandIds"/>.
    /// </summary>
    public int RememberedCommandIds { get; set; } = DefaultRememberedCommandIds;

    /// <summary>How each task's process runs.</summary>
    public TaskRunnerOptions Runner { get; set; } = new();
}
