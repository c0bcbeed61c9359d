using CortexHub.Grains;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Gateway;

/// <summary>
/// Gives every call that fails unexpectedly a clear status and an error id: the exception is
/// logged under the id, and the caller reads the id in the status (UNAVAILABLE for a storage or
/// cluster fault it can retry, INTERNAL for anything else). A status a handler chose
/// (<see cref="RpcException"/>) and a call the client cancelled pass unchanged.
/// </summary>
internal sealed partial class ErrorIdInterceptor(IOptions<GrpcServerSettings> settings, ILogger<ErrorIdInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (IsUnexpected(ex, context))
        {
            throw WithErrorId(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (IsUnexpected(ex, context))
        {
            throw WithErrorId(ex, context);
        }
    }

    private static bool IsUnexpected(Exception exception, ServerCallContext context) =>
        exception is not RpcException && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested);

    private RpcException WithErrorId(Exception exception, ServerCallContext context)
    {
        var errorId = ErrorId.New();
        var code = TransientFaults.Is(exception) ? StatusCode.Unavailable : StatusCode.Internal;
        LogHandlerFailed(exception, errorId, context.Method, code);
        var detail = code == StatusCode.Unavailable ? $"The hub could not complete the call; retry (error id {errorId})." : $"The hub failed to handle the call (error id {errorId}).";
        return new RpcException(new Status(code, settings.Value.IncludeExceptionDetails ? $"{detail} {exception.GetType().Name}: {exception.Message}" : detail));
    }

    [LoggerMessage(5101, LogLevel.Error, "Error id {ErrorId}: the handler of {Method} threw; the call ends with {StatusCode}")]
    private partial void LogHandlerFailed(Exception exception, string errorId, string method, StatusCode statusCode);
}
