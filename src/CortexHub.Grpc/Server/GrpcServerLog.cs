using Microsoft.Extensions.Logging;

namespace CortexHub.Grpc;

/// <summary>Log messages of the server, source-generated.</summary>
internal static partial class GrpcServerLog
{
    [LoggerMessage(EventId = GrpcLogEvents.HandlerException, Level = LogLevel.Error,
        Message = "Error id {ErrorId}: the handler of {Method} threw; the call ends with {StatusCode}.")]
    public static partial void HandlerException(ILogger logger, string errorId, string method, StatusCode statusCode, Exception exception);

    [LoggerMessage(EventId = GrpcLogEvents.CallFailed, Level = LogLevel.Information,
        Message = "Call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = GrpcLogEvents.CallCancelledByClient, Level = LogLevel.Debug,
        Message = "Call {Method} was cancelled by the client.")]
    public static partial void CallCancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = GrpcLogEvents.DeadlineExceeded, Level = LogLevel.Debug,
        Message = "Call {Method} exceeded its deadline; the handler is cancelled.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = GrpcLogEvents.UnsupportedContentType, Level = LogLevel.Information,
        Message = "Request to {Path} rejected with 415: content type '{ContentType}' is not gRPC.")]
    public static partial void UnsupportedContentType(ILogger logger, string? path, string? contentType);

    [LoggerMessage(EventId = GrpcLogEvents.UnsupportedProtocol, Level = LogLevel.Information,
        Message = "Request to {Path} rejected with 426: protocol '{Protocol}' is not HTTP/2.")]
    public static partial void UnsupportedProtocol(ILogger logger, string? path, string protocol);

    [LoggerMessage(EventId = GrpcLogEvents.CallRejected, Level = LogLevel.Information,
        Message = "Call {Method} rejected with {StatusCode}: {Detail}")]
    public static partial void CallRejected(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = GrpcLogEvents.Unimplemented, Level = LogLevel.Debug,
        Message = "Call to unknown method {Path} answered with UNIMPLEMENTED.")]
    public static partial void Unimplemented(ILogger logger, string path);

    [LoggerMessage(EventId = GrpcLogEvents.CompletingAbortedCall, Level = LogLevel.Debug,
        Message = "Could not send the status of {Method}: the client is gone.")]
    public static partial void CompletingAbortedCall(ILogger logger, string method, Exception exception);
}
