namespace CortexHub.Grpc;

/// <summary>Handles a server-streaming call: one request in, responses written to <paramref name="responseStream"/>.</summary>
public delegate Task GrpcServerStreamingHandler<TRequest, TResponse>(
    TRequest request, IGrpcStreamWriter<TResponse> responseStream, GrpcServerCallContext context)
    where TResponse : Google.Protobuf.IMessage;
