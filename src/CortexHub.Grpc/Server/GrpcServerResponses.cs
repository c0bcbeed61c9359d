using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CortexHub.Grpc;

/// <summary>Responses written before or instead of a call: trailers-only statuses and HTTP errors.</summary>
internal static class GrpcServerResponses
{
    private static readonly string[] StatusCodeStrings =
        Enumerable.Range(0, 17).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static string FormatStatusCode(StatusCode code)
    {
        var value = (int)code;
        return (uint)value < (uint)StatusCodeStrings.Length
            ? StatusCodeStrings[value]
            : value.ToString(CultureInfo.InvariantCulture);
    }

    public static void SetStatusHeaders(IHeaderDictionary headers, GrpcStatus status)
    {
        headers[GrpcProtocol.StatusHeader] = FormatStatusCode(status.Code);
        if (status.Detail.Length > 0)
        {
            headers[GrpcProtocol.MessageHeader] = GrpcPercentEncoding.Encode(status.Detail);
        }
    }

    /// <summary>
    /// Answers with HTTP 200 and the status in the only HEADERS frame (a "trailers-only" response),
    /// which is how an immediate error looks on the wire.
    /// </summary>
    public static void WriteTrailersOnly(HttpResponse response, GrpcStatus status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        SetStatusHeaders(response.Headers, status);
    }

    /// <summary>An HTTP-level refusal (415, 426) that also carries a gRPC status for clients that read it.</summary>
    public static void WriteHttpError(HttpResponse response, int httpStatusCode, GrpcStatus status)
    {
        response.StatusCode = httpStatusCode;
        SetStatusHeaders(response.Headers, status);
    }
}
