using System.Net;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>What a raw request got back: HTTP status, headers, trailers and the body's bytes.</summary>
public sealed record RawGrpcResponse(
    HttpStatusCode HttpStatus,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Trailers,
    byte[] Body)
{
    /// <summary>True when the status came in the only HEADERS frame (no body, no trailers).</summary>
    public bool IsTrailersOnly => Headers.ContainsKey("grpc-status") && Trailers.Count == 0 && Body.Length == 0;

    public StatusCode? Status
    {
        get
        {
            var value = Trailers.GetValueOrDefault("grpc-status") ?? Headers.GetValueOrDefault("grpc-status");
            return value is null ? null : (StatusCode)int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public string Message
    {
        get
        {
            var value = Trailers.GetValueOrDefault("grpc-message") ?? Headers.GetValueOrDefault("grpc-message") ?? string.Empty;
            return Uri.UnescapeDataString(value);
        }
    }

    public IReadOnlyList<byte[]> Frames => RawFrames.Parse(Body);

    public override string ToString() =>
        $"HTTP {(int)HttpStatus}, grpc-status {Status}, grpc-message '{Message}', {Body.Length} body bytes";
}
