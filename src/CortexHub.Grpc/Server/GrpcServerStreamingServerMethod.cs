using Google.Protobuf;

namespace CortexHub.Grpc;

internal sealed class GrpcServerStreamingServerMethod<TRequest, TResponse>(
    string serviceName, string name, MessageParser<TRequest> parser, GrpcServerStreamingHandler<TRequest, TResponse> handler)
    : GrpcServerMethod(serviceName, name, GrpcMethodType.ServerStreaming)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage
{
    internal override async Task InvokeAsync(GrpcServerCall call)
    {
        var request = await call.ReadSingleMessageAsync(parser).ConfigureAwait(false);
        await handler(request, new GrpcServerStreamWriter<TResponse>(call), call.Context).ConfigureAwait(false);
    }
}
