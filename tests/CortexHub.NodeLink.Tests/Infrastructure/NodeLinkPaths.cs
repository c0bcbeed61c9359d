using CortexHub.Protocol;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>HTTP/2 paths of the node link's methods, for requests made byte by byte.</summary>
public static class NodeLinkPaths
{
    public const string Connect = $"/{NodeLinkMethods.ServiceName}/{NodeLinkMethods.Connect}";
    public const string GetHubInfo = $"/{NodeLinkMethods.ServiceName}/{NodeLinkMethods.GetHubInfo}";
}
