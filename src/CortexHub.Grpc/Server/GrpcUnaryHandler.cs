namespace CortexHub.Grpc;

/// <summary>Handles a unary call: one request in, one response out.</summary>
public delegate Task<TResponse> GrpcUnaryHandler<TRequest, TResponse>(TRequest request, GrpcServerCallContext context);
