namespace CortexHub.Grains.Limits;

/// <summary>
/// Bounds on everything callers (HTTP API) and nodes (Hello) send, section <c>CortexHub:Limits</c>.
/// Each is checked at the edge, with an error naming the field and the limit, and again where the
/// grains take the value, so nothing bypasses the edge. Unbounded input used to hurt the hub: one
/// dispatch larger than a node's message limit cut that node off for good (every reconnect failed
/// on it again), and a Hello listing 20,000 tasks started 20,000 grain calls nothing could stop.
/// </summary>
public sealed class InputLimits
{
    public const string SectionName = "CortexHub:Limits";

    /// <summary>Longest task id (a grain key; the API's generated ids are far shorter). Not configurable: ids already stored must stay valid.</summary>
    public const int MaxTaskIdLength = 128;

    /// <summary>Input bytes for a task's stdin or terminal in one call (the contract's limit, not tunable: clients split larger input).</summary>
    public const int MaxInputBytes = 64 * 1024;

    public const int DefaultMaxCommandLength = 64 * 1024;
    public const int DefaultMaxWorkingDirectoryLength = 4096;
    public const int DefaultMaxEnvironmentEntries = 256;
    public const int DefaultMaxEnvironmentBytes = 256 * 1024;
    public const int DefaultMaxNodeNameLength = 200;
    public const int DefaultMaxLabels = 32;
    public const int DefaultMaxLabelLength = 128;
    public const int DefaultMaxReasonLength = 1024;
    public const int DefaultMaxThoughtLength = 4096;
    public const int DefaultMaxNodeTextLength = 256;
    public const int DefaultMaxHelloRunningTasks = 4096;
    public const int DefaultHelloParallelism = 16;
    public const int DefaultMaxNodeMessageBytes = 4 * 1024 * 1024;

    /// <summary>Longest command of a task or pool item, in characters. Default 64 KiB.</summary>
    public int MaxCommandLength { get; set; } = DefaultMaxCommandLength;

    /// <summary>Longest working directory, in characters. Default 4096 (Linux's PATH_MAX).</summary>
    public int MaxWorkingDirectoryLength { get; set; } = DefaultMaxWorkingDirectoryLength;

    /// <summary>Most environment variables one task or pool item may set. Default 256.</summary>
    public int MaxEnvironmentEntries { get; set; } = DefaultMaxEnvironmentEntries;

    /// <summary>Largest environment, in UTF-8 bytes of all names and values together. Default 256 KiB.</summary>
    public int MaxEnvironmentBytes { get; set; } = DefaultMaxEnvironmentBytes;

    /// <summary>Longest display name of a node, in characters. Default 200.</summary>
    public int MaxNodeNameLength { get; set; } = DefaultMaxNodeNameLength;

    /// <summary>Most labels of a node (provisioned or sent in Hello) or required by a pool item. Default 32.</summary>
    public int MaxLabels { get; set; } = DefaultMaxLabels;

    /// <summary>Longest label key or value, in characters (keys must not be empty). Default 128.</summary>
    public int MaxLabelLength { get; set; } = DefaultMaxLabelLength;

    /// <summary>Longest cancel reason, in characters (it is sent to the node and kept in the journal). Default 1024.</summary>
    public int MaxReasonLength { get; set; } = DefaultMaxReasonLength;

    /// <summary>Longest thought a caller adds to a task's thought log, in characters. Default 4096.</summary>
    public int MaxThoughtLength { get; set; } = DefaultMaxThoughtLength;

    /// <summary>Longest free-text field a node describes itself with in Hello (host name, agent version). Default 256.</summary>
    public int MaxNodeTextLength { get; set; } = DefaultMaxNodeTextLength;

    /// <summary>
    /// Most running tasks a Hello may list; a longer list is refused (RESOURCE_EXHAUSTED) before any
    /// work starts for it. Default 4096 (four times the most pool slots a node may ask for).
    /// </summary>
    public int MaxHelloRunningTasks { get; set; } = DefaultMaxHelloRunningTasks;

    /// <summary>Task grains asked at once while a Hello's running tasks are reattached. Default 16.</summary>
    public int HelloParallelism { get; set; } = DefaultHelloParallelism;

    /// <summary>
    /// Largest encoded message the hub sends a node, in bytes: a dispatch that would be larger is
    /// refused when the task is created (or the pool item submitted), never sent. Must not exceed the
    /// agents' receive limit nor the hub's <c>CortexHub:Grpc:MaxSendMessageSize</c>. Default 4 MiB,
    /// the default of both.
    /// </summary>
    public int MaxNodeMessageBytes { get; set; } = DefaultMaxNodeMessageBytes;
}
