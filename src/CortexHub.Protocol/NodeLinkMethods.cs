namespace CortexHub.Protocol;

/// <summary>Full gRPC method paths of the node link service.</summary>
public static class NodeLinkMethods
{
    public const string ServiceName = "cortexhub.v1.NodeLink";
    public const string Connect = "Connect";
    public const string GetHubInfo = "GetHubInfo";
}
