namespace CortexHub.Api;

/// <summary>Where this silo listens, once it does (implemented by the host).</summary>
public interface IHubAddresses
{
    /// <summary>The node-facing gRPC endpoint of this silo.</summary>
    Uri GrpcAddress { get; }
}
