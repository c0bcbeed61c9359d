using Microsoft.AspNetCore.Http;

namespace CortexHub.Grpc;

/// <summary>The ASP.NET Core request delegate of one mapped method.</summary>
internal sealed class GrpcServerEndpoint(GrpcServerMethod method, GrpcServerRuntime runtime)
{
    public async Task HandleAsync(HttpContext httpContext)
    {
        if (!GrpcRequestChecks.TryAcceptTransport(httpContext, runtime))
        {
            return;
        }

        GrpcRequestChecks.DisableBodyLimits(httpContext);
        if (!GrpcRequestChecks.TryReadCallHeaders(httpContext, runtime, method.Path, out var timeout, out var encoding))
        {
            return;
        }

        httpContext.Response.ContentType = GrpcProtocol.ContentType;
        await using var call = new GrpcServerCall(httpContext, method, runtime, timeout, encoding);
        GrpcStatus status;
        GrpcMetadata? extraTrailers = null;
        try
        {
            await method.InvokeAsync(call).ConfigureAwait(false);
            status = call.Context.Status;
        }
        catch (Exception ex)
        {
            status = StatusOf(call, ex, out extraTrailers);
        }

        await call.CompleteAsync(status, extraTrailers).ConfigureAwait(false);
    }

    private GrpcStatus StatusOf(GrpcServerCall call, Exception exception, out GrpcMetadata? extraTrailers)
    {
        extraTrailers = null;
        if (call.DeadlineExceeded)
        {
            // Whatever the handler threw after its token was cancelled, the cause is the deadline.
            return new GrpcStatus(StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }

        if (exception is GrpcStatusException statusException)
        {
            extraTrailers = statusException.Trailers;
            GrpcServerLog.CallFailed(runtime.Logger, method.Path, statusException.StatusCode, statusException.Detail);
            return statusException.Status;
        }

        if (call.HttpContext.RequestAborted.IsCancellationRequested)
        {
            GrpcServerLog.CallCancelledByClient(runtime.Logger, method.Path);
            return new GrpcStatus(StatusCode.Cancelled, "Call cancelled by the client.");
        }

        var errorId = Guid.NewGuid().ToString("N")[..12];
        GrpcServerLog.HandlerException(runtime.Logger, errorId, method.Path, StatusCode.Unknown, exception);
        var detail = $"Exception was thrown by handler (error id {errorId}).";
        if (runtime.Options.IncludeExceptionDetails)
        {
            detail += $" {exception.GetType().Name}: {exception.Message}";
        }

        return new GrpcStatus(StatusCode.Unknown, detail);
    }
}
