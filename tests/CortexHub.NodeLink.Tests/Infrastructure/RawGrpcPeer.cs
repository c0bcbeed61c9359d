using System.Net;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// A fake gRPC client that speaks raw bytes over HTTP/2 (h2c): sends exactly the body it is given
/// and reads the response body in tiny reads, keeping headers and trailers as they came. HPACK and
/// HTTP/2 framing are HttpClient's; everything inside the body (gRPC frames) is the test's.
/// </summary>
public sealed class RawGrpcPeer : IDisposable
{
    private readonly Uri _address;
    private readonly HttpMessageInvoker _invoker;

    public RawGrpcPeer(Uri address)
    {
        _address = address;

        // More streams than one connection allows (Kestrel's default is 100) open more connections
        // instead of queueing in the client.
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true }, disposeHandler: true);
    }

    /// <param name="holdRequestOpenUntil">Keeps the request body (the stream's send side) open until this completes.</param>
    /// <param name="bodySent">Completed once the headers and every chunk have been flushed to the server.</param>
    /// <param name="cancellationToken">Cancelling resets the stream (RST_STREAM CANCEL) if it is still open.</param>
    public async Task<RawGrpcResponse> SendAsync(
        string path,
        IReadOnlyList<byte[]> chunks,
        string? contentType = "application/grpc",
        IReadOnlyDictionary<string, string>? headers = null,
        Task? holdRequestOpenUntil = null,
        TaskCompletionSource? bodySent = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ChunkedRequestContent(chunks, contentType, holdRequestOpenUntil, bodySent),
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (key, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await _invoker.SendAsync(request, cancellationToken);
        var body = new MemoryStream();
        await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            // Tiny reads: nothing may depend on how the response's bytes arrive.
            var buffer = new byte[3];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                body.Write(buffer, 0, read);
            }
        }

        return new RawGrpcResponse(
            response.StatusCode,
            ToDictionary(response.Headers),
            ToDictionary(response.TrailingHeaders),
            body.ToArray());
    }

    public void Dispose() => _invoker.Dispose();

    private static Dictionary<string, string> ToDictionary(System.Net.Http.Headers.HttpHeaders headers) =>
        headers.NonValidated.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
}
