using System.Reflection;
using CortexHub.Grains;
using CortexHub.Grains.Cluster;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using CortexHub.Grpc;
using CortexHub.Protocol;
using CortexHub.Protocol.V1;
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
    TimeProvider time,
    ILogger<NodeLinkService> logger)
{
    public static readonly string HubVersion = typeof(NodeLinkService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public GrpcServiceDefinition Definition() =>
        new GrpcServiceDefinition(NodeLinkMethods.ServiceName)
            .AddDuplexStreaming<NodeMessage, HubMessage>(NodeLinkMethods.Connect, NodeMessage.Parser, ConnectAsync)
            .AddUnary<HubInfoRequest, HubInfo>(NodeLinkMethods.GetHubInfo, HubInfoRequest.Parser, (_, _) =>
                Task.FromResult(new HubInfo { HubVersion = HubVersion, SiloId = silos.LocalSiloId, Protocol = "cortexhub.v1" }));

    private async Task ConnectAsync(IGrpcStreamReader<NodeMessage> reader, IGrpcStreamWriter<HubMessage> writer, GrpcServerCallContext context)
    {
        var hello = await ReadHelloAsync(reader, context);
        var token = hello.Token.Length > 0 ? hello.Token : BearerToken(context);
        if (!await grains.GetGrain<INodeGrain>(hello.NodeId).AuthenticateAsync(token))
        {
            // One message for unknown node and wrong token alike: do not reveal which node ids exist.
            throw new GrpcStatusException(StatusCode.Unauthenticated, "Unknown node id or invalid token.");
        }

        using var session = new NodeSession(hello.NodeId, grains, outbox, dispatcher, options.Value, time, logger, context.CancellationToken);
        registry.Register(session);
        try
        {
            await session.RunAsync(hello, reader, writer, silos.LocalSiloId, context.Peer);
        }
        finally
        {
            registry.Unregister(session);
        }
    }

    private async Task<Hello> ReadHelloAsync(IGrpcStreamReader<NodeMessage> reader, GrpcServerCallContext context)
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
            throw new GrpcStatusException(StatusCode.DeadlineExceeded, $"No Hello within {options.Value.HelloTimeout}.");
        }

        if (!any || reader.Current.BodyCase != NodeMessage.BodyOneofCase.Hello)
        {
            throw new GrpcStatusException(StatusCode.InvalidArgument, "The first message of a Connect stream must be Hello.");
        }

        var hello = reader.Current.Hello;
        if (string.IsNullOrWhiteSpace(hello.NodeId) || hello.NodeId.Length > NodeRegistry.MaxNodeIdLength)
        {
            throw new GrpcStatusException(StatusCode.InvalidArgument, $"Hello.node_id must be 1 to {NodeRegistry.MaxNodeIdLength} characters.");
        }

        if (hello.PoolSlots > NodeSession.MaxPoolSlots)
        {
            throw new GrpcStatusException(StatusCode.InvalidArgument, $"Hello.pool_slots must be at most {NodeSession.MaxPoolSlots} (got {hello.PoolSlots}).");
        }

        return hello;
    }

    private static string BearerToken(GrpcServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization") ?? "";
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
    }
}
