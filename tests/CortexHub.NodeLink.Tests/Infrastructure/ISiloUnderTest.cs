namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>The silo whose gRPC port a test attacks: in this process or a real process of its own.</summary>
public interface ISiloUnderTest
{
    Uri GrpcAddress { get; }

    /// <summary>Provisions a node and returns its token.</summary>
    Task<string> ProvisionAsync(string nodeId);

    /// <summary>Gives <paramref name="nodeId"/> a task (delivered on its stream as a Dispatch).</summary>
    Task DispatchAsync(string taskId, string nodeId);
}
