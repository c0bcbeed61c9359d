namespace CortexHub.Grpc;

/// <summary>What the public call objects read from a call, whatever its message types.</summary>
internal interface IGrpcClientCallState : IDisposable
{
    Task<GrpcMetadata> ResponseHeadersAsync { get; }

    GrpcStatus GetStatus();

    GrpcMetadata GetTrailers();
}
