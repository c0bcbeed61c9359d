namespace CortexHub.Grpc;

/// <summary>Handles a client-streaming call: requests read from <paramref name="requestStream"/>, one response out.</summary>
public delegate Task<TResponse> GrpcClientStreamingHandler<TRequest, TResponse>(
    IGrpcStreamReader<TRequest> requestStream, GrpcServerCallContext context);
