using Google.Protobuf;

namespace CortexHub.Grpc;

internal sealed class GrpcClientStreamingServerMethod<TRequest, TResponse>(
    string serviceName, string name, MessageParser<TRequest> parser, GrpcClientStreamingHandler<TRequest, TResponse> handler)
    : GrpcServerMethod(serviceName, name, GrpcMethodType.ClientStreaming)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage
{
    internal override async Task InvokeAsync(GrpcServerCall call)
    {
        var response = await handler(new GrpcServerStreamReader<TRequest>(call, parser), call.Context).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The handler of {Path} returned a null response.");
        if (call.Context.Status.Code == StatusCode.OK)
        {
            await call.WriteMessageAsync(response, flush: false, call.CancellationToken).ConfigureAwait(false);
        }
    }
}
