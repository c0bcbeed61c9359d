using Google.Protobuf;

namespace CortexHub.Grpc;

internal sealed class GrpcDuplexStreamingServerMethod<TRequest, TResponse>(
    string serviceName, string name, MessageParser<TRequest> parser, GrpcDuplexStreamingHandler<TRequest, TResponse> handler)
    : GrpcServerMethod(serviceName, name, GrpcMethodType.DuplexStreaming)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage
{
    internal override Task InvokeAsync(GrpcServerCall call) =>
        handler(new GrpcServerStreamReader<TRequest>(call, parser), new GrpcServerStreamWriter<TResponse>(call), call.Context);
}
