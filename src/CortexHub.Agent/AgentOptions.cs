using CortexHub.Agent.Connection;
using CortexHub.Agent.Tasks;

namespace CortexHub.Agent;

/// <summary>Settings of the agent, from the command line; checked by <see cref="AgentOptionsValidator"/> at start-up.</summary>
public sealed class AgentOptions
{
    /// <summary>Environment variable read for the token when <c>--token</c> is not given.</summary>
    public const string TokenEnvironmentVariable = "CORTEX_AGENT_TOKEN";

    /// <summary>Default heartbeat interval, used only when Welcome names none (0) and no override is set: 15 s.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>Default <see cref="WelcomeTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultWelcomeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="ShutdownGrace"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>Default <see cref="OutboxCapacity"/>: 256 messages.</summary>
    public const int DefaultOutboxCapacity = 256;

    /// <summary>Default <see cref="KeepAlivePingDelay"/>: 20 s.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromSeconds(20);

    /// <summary>Default <see cref="KeepAlivePingTimeout"/>: 20 s (generous: a busy hub answers pings late, not never).</summary>
    public static readonly TimeSpan DefaultKeepAlivePingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Default <see cref="SurvivorStopGrace"/>: 5 s.</summary>
    public static readonly TimeSpan DefaultSurvivorStopGrace = TimeSpan.FromSeconds(5);

    /// <summary>The hub's gRPC address (http:// for h2c, https:// for TLS), such as <c>http://hub:5081</c>. Required.</summary>
    public Uri? Hub { get; set; }

    /// <summary>The node's id, as provisioned on the hub. Required.</summary>
    public string NodeId { get; set; } = "";

    /// <summary>The node's secret token (from <c>--token</c> or <see cref="TokenEnvironmentVariable"/>). Required; never logged.</summary>
    public string Token { get; set; } = "";

    /// <summary>Labels sent in Hello (<c>--label key=value</c>, repeatable).</summary>
    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>Host name sent in Hello. Default the machine name.</summary>
    public string Hostname { get; set; } = Environment.MachineName;

    /// <summary>
    /// Heartbeat interval that replaces the one the hub names in Welcome (<c>--heartbeat-seconds</c>). Default null:
    /// follow the hub (or <see cref="DefaultHeartbeatInterval"/> when it names none).
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>
    /// How long the agent waits for Welcome after Hello before it treats the connection as failed. Default
    /// <see cref="DefaultWelcomeTimeout"/>.
    /// </summary>
    public TimeSpan WelcomeTimeout { get; set; } = DefaultWelcomeTimeout;

    /// <summary>
    /// On SIGTERM/SIGINT, after killing the running tasks, how long the agent waits for the hub to acknowledge
    /// their last events before it exits. Default <see cref="DefaultShutdownGrace"/>.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = DefaultShutdownGrace;

    /// <summary>
    /// Capacity of the queue in front of the single stream writer; producers wait when it is full. Default
    /// <see cref="DefaultOutboxCapacity"/>.
    /// </summary>
    public int OutboxCapacity { get; set; } = DefaultOutboxCapacity;

    /// <summary>
    /// Silence on the hub connection after which the agent sends an HTTP/2 PING. Together with
    /// <see cref="KeepAlivePingTimeout"/> it bounds how long a hub that vanished without closing the connection
    /// goes unnoticed. At least 1 s. Default <see cref="DefaultKeepAlivePingDelay"/>.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = DefaultKeepAlivePingDelay;

    /// <summary>
    /// How long a PING may stay unanswered before the agent drops the connection and reconnects. At least 1 s.
    /// Default <see cref="DefaultKeepAlivePingTimeout"/>.
    /// </summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = DefaultKeepAlivePingTimeout;

    /// <summary>Most pool slots the hub accepts (<c>--pool-slots</c>).</summary>
    public const int MaxPoolSlots = 1024;

    /// <summary>Work-pool items run at once (<c>--pool-slots</c>); sent in Hello. Default 0: this node takes no pool work.</summary>
    public int PoolSlots { get; set; }

    /// <summary>
    /// The agent's own folder (<c>--state-dir</c>): a lock held while it runs and the ledger of the task processes it
    /// started, so the next agent on this folder finds and stops what a killed agent left running before it says
    /// Hello. Null: runs are not recorded (in-process agents of tests and tools). The command line always sets it.
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// How long a task process left running by a killed agent gets between SIGTERM and SIGKILL. Default
    /// <see cref="DefaultSurvivorStopGrace"/>.
    /// </summary>
    public TimeSpan SurvivorStopGrace { get; set; } = DefaultSurvivorStopGrace;

    /// <summary>Reconnect delays.</summary>
    public BackoffOptions Reconnect { get; set; } = new();

    /// <summary>Task limits (<c>--max-unacked-bytes</c> sets <see cref="TaskRegistryOptions.MaxUnackedBytes"/>).</summary>
    public TaskRegistryOptions Tasks { get; set; } = new();
}
