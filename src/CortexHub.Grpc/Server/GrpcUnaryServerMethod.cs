using Google.Protobuf;

namespace CortexHub.Grpc;

internal sealed class GrpcUnaryServerMethod<TRequest, TResponse>(
    string serviceName, string name, MessageParser<TRequest> parser, GrpcUnaryHandler<TRequest, TResponse> handler)
    : GrpcServerMethod(serviceName, name, GrpcMethodType.Unary)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage
{
    internal override async Task InvokeAsync(GrpcServerCall call)
    {
        var request = await call.ReadSingleMessageAsync(parser).ConfigureAwait(false);
        var response = await handler(request, call.Context).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The handler of {Path} returned a null response.");
        if (call.Context.Status.Code == StatusCode.OK)
        {
            // Not flushed: the message leaves with the trailers.
            await call.WriteMessageAsync(response, flush: false, call.CancellationToken).ConfigureAwait(false);
        }
    }
}
