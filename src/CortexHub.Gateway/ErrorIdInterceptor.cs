using CortexHub.Grains;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Gateway;

/// <summary>
/// Gives every call that fails unexpectedly a clear status and an error id, which the caller reads
/// in the status: UNAVAILABLE for a storage or cluster fault it can retry (also when Orleans wraps
/// it, as its storage providers wrap a database error in <see cref="Orleans.Runtime.OrleansException"/>),
/// logged as one line naming the cause, since every node retries while storage is down; INTERNAL
/// for anything else, logged with its stack trace. A status a handler chose
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
        var cause = TransientFaults.Cause(exception);
        var code = cause is null ? StatusCode.Internal : StatusCode.Unavailable;
        if (cause is null)
        {
            LogHandlerFailed(exception, errorId, context.Method, code);
        }
        else
        {
            LogHandlerUnavailable(errorId, context.Method, cause.GetType().Name, cause.Message);
        }

        var detail = code == StatusCode.Unavailable ? $"The hub could not complete the call; retry (error id {errorId})." : $"The hub failed to handle the call (error id {errorId}).";
        return new RpcException(new Status(code, settings.Value.IncludeExceptionDetails ? $"{detail} {exception.GetType().Name}: {exception.Message}" : detail));
    }

    [LoggerMessage(5101, LogLevel.Error, "Error id {ErrorId}: the handler of {Method} threw; the call ends with {StatusCode}")]
    private partial void LogHandlerFailed(Exception exception, string errorId, string method, StatusCode statusCode);

    [LoggerMessage(5102, LogLevel.Warning, "Error id {ErrorId}: {Method} could not complete ({ExceptionType}: {Reason}); the call ends with UNAVAILABLE and the caller retries")]
    private partial void LogHandlerUnavailable(string errorId, string method, string exceptionType, string reason);
}
