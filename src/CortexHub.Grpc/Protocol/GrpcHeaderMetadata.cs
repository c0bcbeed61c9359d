using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CortexHub.Grpc;

/// <summary>
/// Converts between <see cref="GrpcMetadata"/> and HTTP headers: protocol headers are left out,
/// <c>-bin</c> values are base64 on the wire (decoded with or without padding, as peers differ).
/// </summary>
internal static class GrpcHeaderMetadata
{
    public static GrpcMetadata FromHeaderDictionary(IHeaderDictionary headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (key, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            AddValues(metadata, key.ToLowerInvariant(), values);
        }

        return metadata;
    }

    public static GrpcMetadata FromHttpHeaders(HttpHeaders headers, GrpcMetadata? into = null)
    {
        var metadata = into ?? new GrpcMetadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(key))
            {
                continue;
            }

            var lower = key.ToLowerInvariant();
            foreach (var value in values)
            {
                metadata.AddReceived(CreateEntry(lower, value));
            }
        }

        return metadata;
    }

    public static void AddToRequest(GrpcMetadata metadata, HttpRequestHeaders headers)
    {
        foreach (var entry in metadata)
        {
            headers.TryAddWithoutValidation(entry.Key, entry.Value);
        }
    }

    public static void AddToHeaderDictionary(GrpcMetadata metadata, IHeaderDictionary headers)
    {
        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, entry.Value);
        }
    }

    public static void AddToTrailers(GrpcMetadata metadata, HttpResponse response)
    {
        foreach (var entry in metadata)
        {
            response.AppendTrailer(entry.Key, entry.Value);
        }
    }

    private static void AddValues(GrpcMetadata metadata, string key, StringValues values)
    {
        foreach (var value in values)
        {
            if (value is not null)
            {
                metadata.AddReceived(CreateEntry(key, value));
            }
        }
    }

    private static GrpcMetadataEntry CreateEntry(string key, string value)
    {
        if (!key.EndsWith(GrpcMetadata.BinarySuffix, StringComparison.Ordinal))
        {
            return new GrpcMetadataEntry(key, value);
        }

        return new GrpcMetadataEntry(key, DecodeBase64(value));
    }

    private static byte[] DecodeBase64(string value)
    {
        var trimmed = value.Trim();
        var padding = (4 - (trimmed.Length % 4)) % 4;
        if (padding is 1 or 2)
        {
            trimmed += new string('=', padding);
        }

        try
        {
            return Convert.FromBase64String(trimmed);
        }
        catch (FormatException)
        {
            // A peer sent a -bin value that is not base64: keep its raw bytes rather than drop the entry.
            return System.Text.Encoding.ASCII.GetBytes(value);
        }
    }
}
