using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace CortexHub.Grpc;

/// <summary>Checks every gRPC request passes before a handler (or UNIMPLEMENTED) sees it.</summary>
internal static class GrpcRequestChecks
{
    /// <summary>
    /// Refuses requests that are not gRPC: 415 for another content type, 426 for HTTP/1.x.
    /// Returns false when a refusal was written.
    /// </summary>
    public static bool TryAcceptTransport(HttpContext httpContext, GrpcServerRuntime runtime)
    {
        var request = httpContext.Request;
        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            GrpcServerLog.UnsupportedContentType(runtime.Logger, request.Path.Value, request.ContentType);
            GrpcServerResponses.WriteHttpError(
                httpContext.Response,
                StatusCodes.Status415UnsupportedMediaType,
                new GrpcStatus(StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported; a gRPC request uses '{GrpcProtocol.ContentType}'."));
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            GrpcServerLog.UnsupportedProtocol(runtime.Logger, request.Path.Value, request.Protocol);
            GrpcServerResponses.WriteHttpError(
                httpContext.Response,
                StatusCodes.Status426UpgradeRequired,
                new GrpcStatus(StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2."));
            httpContext.Response.Headers.Upgrade = "h2c";
            return false;
        }

        return true;
    }

    /// <summary>
    /// A gRPC stream may stay idle or carry any amount of data for as long as it lives: Kestrel's
    /// minimum data rate and maximum body size would otherwise end long calls.
    /// </summary>
    public static void DisableBodyLimits(HttpContext httpContext)
    {
        var minRate = httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>();
        if (minRate is not null)
        {
            minRate.MinDataRate = null;
        }

        var maxSize = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (maxSize is { IsReadOnly: false })
        {
            maxSize.MaxRequestBodySize = null;
        }

        // Only present when the request-timeouts middleware runs; the call's deadline is grpc-timeout's job.
        httpContext.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();
    }

    /// <summary>
    /// Reads grpc-encoding and grpc-timeout. On a refusal it writes a trailers-only status and
    /// returns false: an encoding other than identity is UNIMPLEMENTED (per the compression spec),
    /// a malformed timeout is INTERNAL (a broken protocol header, like a broken frame).
    /// </summary>
    public static bool TryReadCallHeaders(
        HttpContext httpContext, GrpcServerRuntime runtime, string path, out TimeSpan? timeout, out string? messageEncoding)
    {
        timeout = null;
        var headers = httpContext.Request.Headers;
        messageEncoding = headers[GrpcProtocol.EncodingHeader];
        if (messageEncoding is not null && !string.Equals(messageEncoding, GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
        {
            var status = new GrpcStatus(
                StatusCode.Unimplemented,
                $"Unsupported grpc-encoding value '{messageEncoding}'. Supported encodings: {GrpcProtocol.IdentityEncoding}");
            GrpcServerLog.CallRejected(runtime.Logger, path, status.Code, status.Detail);
            httpContext.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
            GrpcServerResponses.WriteTrailersOnly(httpContext.Response, status);
            return false;
        }

        var timeoutHeader = headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutHeader.Length == 0)
        {
            return true;
        }

        if (!GrpcTimeout.TryParse(timeoutHeader, out var parsed))
        {
            var status = new GrpcStatus(
                StatusCode.Internal, $"Invalid grpc-timeout header '{timeoutHeader}': {GrpcTimeout.FormatDescription}.");
            GrpcServerLog.CallRejected(runtime.Logger, path, status.Code, status.Detail);
            GrpcServerResponses.WriteTrailersOnly(httpContext.Response, status);
            return false;
        }

        if (parsed <= GrpcTimeout.MaxSupported)
        {
            timeout = parsed;
        }

        return true;
    }
}
