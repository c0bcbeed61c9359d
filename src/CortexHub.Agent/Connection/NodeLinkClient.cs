using CortexHub.Grpc;
using CortexHub.Protocol;
using CortexHub.Protocol.V1;

namespace CortexHub.Agent.Connection;

/// <summary>The node link's methods as the client calls them.</summary>
internal static class NodeLinkClient
{
    /// <summary><c>/cortexhub.v1.NodeLink/Connect</c>: NodeMessage requests, HubMessage responses.</summary>
    public static readonly GrpcMethod<NodeMessage, HubMessage> Connect = new(
        GrpcMethodType.DuplexStreaming, NodeLinkMethods.ServiceName, NodeLinkMethods.Connect, NodeMessage.Parser, HubMessage.Parser);
}
