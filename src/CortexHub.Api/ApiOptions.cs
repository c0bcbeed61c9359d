namespace CortexHub.Api;

/// <summary>HTTP API settings, section <c>CortexHub:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "CortexHub:Api";
    public static readonly TimeSpan DefaultAttachSendTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The first admin's API key (<c>chk.admin.&lt;id&gt;.&lt;secret&gt;</c>). When unset and no admin exists, the
    /// first start creates one and prints its key once.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// The hub's HTTP URL as nodes reach it (e.g. the load balancer's <c>https://hub.example:8080</c>); provisioning
    /// scripts download the agent from it. Default: the address and port this request actually arrived on (the
    /// connection's, never a request header, which the caller controls).
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>The node-facing gRPC address written into provisioning scripts; default: the address this request arrived on, on this silo's gRPC port.</summary>
    public string? PublicGrpcAddress { get; set; }

    /// <summary>The agent files served at <c>/agent/cortex-agent.tar.gz</c>; default the silo's own <c>agent/</c> folder.</summary>
    public string? AgentDirectory { get; set; }

    /// <summary>
    /// How long a session's attach WebSocket waits for a client to take one frame before dropping it (a client
    /// that stops reading must not hold the hub's memory). Default 30 seconds.
    /// </summary>
    public TimeSpan AttachSendTimeout { get; set; } = DefaultAttachSendTimeout;
}
