using System.Reflection;
using CortexHub.Grains;
using CortexHub.Grains.Cluster;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using CortexHub.Grains.Users;
using CortexHub.Protocol.V1;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Gateway;

/// <summary>cortexhub.v1.NodeLink: authenticates each node stream and hands it to a <see cref="NodeSession"/>.</summary>
internal sealed class NodeLinkService(
    Orleans.IGrainFactory grains,
    INodeOutboxStore outbox,
    NodeSessionRegistry registry,
    PoolDispatcher dispatcher,
    ClusterSilos silos,
    IOptions<GatewayOptions> options,
    IOptions<InputLimits> limits,
    TimeProvider time,
    ILogger<NodeLinkService> logger) : NodeLink.NodeLinkBase
{
    public static readonly string HubVersion = typeof(NodeLinkService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public override Task<HubInfo> GetHubInfo(HubInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new HubInfo { HubVersion = HubVersion, SiloId = silos.LocalSiloId, Protocol = "cortexhub.v1" });

    public override async Task Connect(IAsyncStreamReader<NodeMessage> requestStream, IServerStreamWriter<HubMessage> responseStream, ServerCallContext context)
    {
        var hello = await ReadHelloAsync(requestStream, context);
        var helloReadAt = time.GetTimestamp();
        var token = hello.Token.Length > 0 ? hello.Token : BearerToken(context);
        // One message for unknown node and wrong token alike: do not reveal which node ids exist.
        var owner = await grains.GetGrain<INodeGrain>(hello.NodeId).AuthenticateOwnerAsync(token)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "Unknown node id or invalid token."));

        using var session = new NodeSession(hello.NodeId, grains, outbox, dispatcher, options.Value, limits.Value, time, logger, context.CancellationToken);
        registry.Register(session);
        try
        {
            await session.RunAsync(hello, () => EnsureOwnerEnabledAsync(owner), helloReadAt, requestStream, responseStream, silos.LocalSiloId, PeerAddress(context.Peer));
        }
        finally
        {
            registry.Unregister(session);
        }
    }

    /// <summary>Refuses the stream of a node whose owner is disabled (their nodes' tokens stop working like their keys).</summary>
    private async Task EnsureOwnerEnabledAsync(string owner)
    {
        if ((await grains.GetGrain<IUserGrain>(owner).GetAsync()).Disabled)
        {
            throw new RpcException(NodeSession.OwnerDisabled);
        }
    }

    private async Task<Hello> ReadHelloAsync(IAsyncStreamReader<NodeMessage> reader, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(options.Value.HelloTimeout);
        bool any;
        try
        {
            any = await reader.MoveNext(timeout.Token);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"No Hello within {options.Value.HelloTimeout}."));
        }

        if (!any || reader.Current.BodyCase != NodeMessage.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The first message of a Connect stream must be Hello."));
        }

        var hello = reader.Current.Hello;
        if (string.IsNullOrWhiteSpace(hello.NodeId) || hello.NodeId.Length > NodeRegistry.MaxNodeIdLength)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Hello.node_id must be 1 to {NodeRegistry.MaxNodeIdLength} characters."));
        }

        if (hello.PoolSlots > NodeSession.MaxPoolSlots)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Hello.pool_slots must be at most {NodeSession.MaxPoolSlots} (got {hello.PoolSlots})."));
        }

        CheckBounds(hello, limits.Value);
        return hello;
    }

    /// <summary>
    /// Refuses a Hello over <see cref="InputLimits"/> before the token is checked or any work starts
    /// for it: each running task it lists costs a task grain call, and its labels are stored.
    /// </summary>
    private static void CheckBounds(Hello hello, InputLimits limits)
    {
        if (hello.RunningTasks.Count > limits.MaxHelloRunningTasks)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Hello.running_tasks lists {hello.RunningTasks.Count} tasks; at most {limits.MaxHelloRunningTasks} are accepted."));
        }

        var bad = hello.RunningTasks.FirstOrDefault(t => t.TaskId.Length is 0 or > InputLimits.MaxTaskIdLength);
        if (bad is not null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"Hello.running_tasks: each task_id must be 1 to {InputLimits.MaxTaskIdLength} characters (got {bad.TaskId.Length})."));
        }

        var errors = new InvalidRequestException.Builder()
            .CheckLabels(limits, hello.Labels, "labels")
            .CheckLength(hello.Hostname, limits.MaxNodeTextLength, "hostname")
            .CheckLength(hello.AgentVersion, limits.MaxNodeTextLength, "agent_version")
            .Errors;
        if (errors.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"Hello.{e.Key}: {m}")))));
        }
    }

    private static string BearerToken(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
    }

    /// <summary>The node's address as "host:port", from gRPC's peer string ("ipv4:1.2.3.4:5", "ipv6:[::1]:5").</summary>
    private static string PeerAddress(string peer)
    {
        var colon = peer.IndexOf(':');
        return colon > 0 && peer[..colon] is "ipv4" or "ipv6" ? peer[(colon + 1)..] : peer;
    }
}
