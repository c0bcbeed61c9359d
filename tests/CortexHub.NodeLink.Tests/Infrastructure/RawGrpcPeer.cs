using System.Net;
using System.Net.Http;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>
/// A fake gRPC client that speaks raw bytes over HTTP/2: sends exactly the body it is given and reads
/// the response body in tiny reads, keeping headers and trailers as they came.
/// </summary>
public sealed class RawGrpcPeer : IDisposable
{
    private readonly Uri _address;
    private readonly HttpMessageInvoker _invoker;

    public RawGrpcPeer(Uri address)
    {
        _address = address;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false }, disposeHandler: true);
    }

    public async Task<RawGrpcResponse> SendAsync(
        string path,
        IReadOnlyList<byte[]> chunks,
        string contentType = "application/grpc",
        IReadOnlyDictionary<string, string>? headers = null,
        Task? holdRequestOpenUntil = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ChunkedRequestContent(chunks, contentType, holdRequestOpenUntil),
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
            // Tiny reads: the client side of framing must not depend on how bytes arrive either.
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
