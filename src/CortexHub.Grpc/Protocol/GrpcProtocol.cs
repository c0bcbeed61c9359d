using System.Net;

namespace CortexHub.Grpc;

/// <summary>Names and values fixed by the gRPC over HTTP/2 protocol (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";

    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string StatusDetailsHeader = "grpc-status-details-bin";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";

    /// <summary>The only message encoding implemented: no compression.</summary>
    public const string IdentityEncoding = "identity";

    /// <summary>Compressed flag (1 byte) + big-endian message length (4 bytes).</summary>
    public const int FrameHeaderSize = 5;

    /// <summary>
    /// True for <c>application/grpc</c> and <c>application/grpc+proto</c>, with or without parameters.
    /// Other sub-types (such as <c>+json</c>) are not accepted: only protobuf is spoken here.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        if (semicolon >= 0)
        {
            span = span[..semicolon];
        }

        span = span.Trim();
        return span.Equals(ContentType, StringComparison.OrdinalIgnoreCase)
            || span.Equals(ContentTypeProto, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Headers that the protocol owns: they are never exposed as metadata and cannot be added as metadata.
    /// </summary>
    public static bool IsReservedHeader(string key)
    {
        if (key.Length == 0 || key[0] == ':')
        {
            return true;
        }

        if (key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase))
        {
            // Rich error details are application data that travels in a grpc- trailer.
            return !string.Equals(key, StatusDetailsHeader, StringComparison.OrdinalIgnoreCase);
        }

        return key.ToLowerInvariant() switch
        {
            "content-type" or "te" or "host" or "connection" or "transfer-encoding" or "upgrade"
                or "keep-alive" or "proxy-connection" or "content-length" => true,
            _ => false,
        };
    }

    /// <summary>
    /// The status a client reports for a non-200 HTTP response without grpc-status,
    /// per "HTTP to gRPC Status Code Mapping" in the gRPC documentation.
    /// </summary>
    public static StatusCode StatusFromHttp(HttpStatusCode httpStatus) => (int)httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>
    /// The status for an HTTP/2 RST_STREAM error code, per "Errors" in PROTOCOL-HTTP2.md.
    /// </summary>
    public static StatusCode StatusFromHttp2Error(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable, // REFUSED_STREAM: the call was not processed, safe to retry
        0x8 => StatusCode.Cancelled, // CANCEL
        0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    /// <summary>Parses a grpc-status value; null when it is missing or not a number.</summary>
    public static StatusCode? ParseStatus(string? value)
    {
        if (value is null || !int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code))
        {
            return null;
        }

        // Codes outside the known range are kept as numbers; callers see them as unknown enum values.
        return (StatusCode)code;
    }
}
