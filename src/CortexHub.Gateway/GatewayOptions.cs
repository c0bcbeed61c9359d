namespace CortexHub.Gateway;

/// <summary>Node stream settings. Bound from <c>CortexHub:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "CortexHub:Gateway";

    public static readonly TimeSpan DefaultHelloTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultNodeHeartbeatInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultOutboxPollInterval = TimeSpan.FromSeconds(5);
    public const int DefaultInboundEventCapacity = 1024;
    public const int DefaultOutboundCapacity = 256;
    public const int DefaultMaxEventsPerBatch = 512;

    /// <summary>A stream must send Hello within this time. Default 10 seconds.</summary>
    public TimeSpan HelloTimeout { get; set; } = DefaultHelloTimeout;

    /// <summary>Heartbeat interval the hub asks nodes for (in Welcome). Default 5 seconds.</summary>
    public TimeSpan NodeHeartbeatInterval { get; set; } = DefaultNodeHeartbeatInterval;

    /// <summary>Each stream re-reads its node's outbox this often even without a notification. Default 5 seconds.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = DefaultOutboxPollInterval;

    /// <summary>Task events read from a stream but not yet durable; when full, the stream stops being read (backpressure). Default 1024.</summary>
    public int InboundEventCapacity { get; set; } = DefaultInboundEventCapacity;

    /// <summary>Messages waiting to be written to a node; when full, producers wait. Default 256.</summary>
    public int OutboundCapacity { get; set; } = DefaultOutboundCapacity;

    /// <summary>Most events written in one journal round trip (group commit). Default 512.</summary>
    public int MaxEventsPerBatch { get; set; } = DefaultMaxEventsPerBatch;
}
