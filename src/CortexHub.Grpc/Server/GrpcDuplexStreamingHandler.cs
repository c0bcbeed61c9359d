namespace CortexHub.Grpc;

/// <summary>Handles a duplex call: requests and responses flow independently until the handler returns.</summary>
public delegate Task GrpcDuplexStreamingHandler<TRequest, TResponse>(
    IGrpcStreamReader<TRequest> requestStream, IGrpcStreamWriter<TResponse> responseStream, GrpcServerCallContext context)
    where TResponse : Google.Protobuf.IMessage;
