namespace CortexHub.Grpc;

/// <summary>The four shapes of a gRPC method.</summary>
public enum GrpcMethodType
{
    /// <summary>One request message, one response message.</summary>
    Unary,

    /// <summary>One request message, a stream of response messages.</summary>
    ServerStreaming,

    /// <summary>A stream of request messages, one response message.</summary>
    ClientStreaming,

    /// <summary>Independent streams of request and response messages.</summary>
    DuplexStreaming,
}
