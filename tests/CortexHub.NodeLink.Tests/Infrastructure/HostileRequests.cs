using Google.Protobuf;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// Each kind of hostile input the gRPC port must survive, as one reusable request: the in-process
/// tests assert on what each returns, the process test replays them all while it watches memory.
/// </summary>
public static class HostileRequests
{
    /// <summary>What Kestrel answers (then closes the connection) to HTTP/1.1 on an HTTP/2-only port.</summary>
    public const string Http1RejectionText = "An HTTP/1.x request was sent to an HTTP/2 only endpoint.";

    /// <summary>A Hello frame (the first message of Connect) with a bogus node.</summary>
    public static byte[] HelloFrame() =>
        RawFrames.Frame(new NodeMessage { Hello = new Hello { NodeId = "hostile", Token = "chn_hostile", AgentVersion = "raw" } });

    /// <summary>A frame whose length prefix promises 200 bytes; 20 are sent, then END_STREAM.</summary>
    public static Task<RawGrpcResponse> TruncatedFrameAsync(RawGrpcPeer peer, string path) =>
        peer.SendAsync(path, [RawFrames.Frame(new byte[20], declaredLength: 200)]);

    /// <summary>
    /// Only a frame header declaring <paramref name="declaredLength"/> bytes, the stream held open
    /// after it: the answer must come without waiting for (or buffering) the promised bytes.
    /// </summary>
    public static async Task<RawGrpcResponse> DeclaredLengthAsync(RawGrpcPeer peer, string path, uint declaredLength)
    {
        var release = new TaskCompletionSource();
        try
        {
            return await peer.SendAsync(path, [RawFrames.Frame([], declaredLength: declaredLength)], holdRequestOpenUntil: release.Task)
                .WaitAsync(Deadlines.Call);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    /// <summary>A frame flagged compressed on a request that names no <c>grpc-encoding</c>.</summary>
    public static Task<RawGrpcResponse> CompressedWithoutEncodingAsync(RawGrpcPeer peer, string path) =>
        peer.SendAsync(path, [RawFrames.Frame(new NodeMessage { Heartbeat = new Heartbeat() }.ToByteArray(), compressedFlag: 1)]);

    /// <summary>A well-formed Hello under another content type (null: no content-type header at all).</summary>
    public static Task<RawGrpcResponse> ContentTypeAsync(RawGrpcPeer peer, string? contentType) =>
        peer.SendAsync(NodeLinkPaths.Connect, [HelloFrame()], contentType);

    /// <summary>Starts a Connect stream, sends half a frame and resets the stream (RST_STREAM CANCEL).</summary>
    public static async Task<Exception> ResetMidMessageAsync(RawGrpcPeer peer)
    {
        using var reset = new CancellationTokenSource();
        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var frame = HelloFrame();
        var call = peer.SendAsync(NodeLinkPaths.Connect, [frame[..(frame.Length / 2)]],
            holdRequestOpenUntil: new TaskCompletionSource().Task, bodySent: halfSent, cancellationToken: reset.Token);
        await halfSent.Task.WaitAsync(Deadlines.Call);
        await reset.CancelAsync();
        try
        {
            await call.WaitAsync(Deadlines.Call);
        }
        catch (OperationCanceledException ex)
        {
            return ex;
        }

        throw new InvalidOperationException("The reset stream completed normally.");
    }

    /// <summary>
    /// Opens <paramref name="count"/> Connect streams that send nothing (headers only), runs
    /// <paramref name="whileOpen"/> once every stream's headers are out, then returns how each
    /// stream ended (the hub gives up waiting for Hello), as <see cref="StreamOutcome"/> text.
    /// </summary>
    public static async Task<string[]> IdleStreamsAsync(RawGrpcPeer peer, int count, Func<Task> whileOpen)
    {
        var release = new TaskCompletionSource();
        var opened = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var streams = opened.Select(o => StreamOutcome.Of(peer.SendAsync(NodeLinkPaths.Connect, [], holdRequestOpenUntil: release.Task, bodySent: o))).ToArray();
        try
        {
            try
            {
                await Task.WhenAll(opened.Select(o => o.Task)).WaitAsync(Deadlines.Burst);
            }
            catch (TimeoutException)
            {
                var ended = streams.Where(s => s.IsCompleted).Select(s => s.Result).GroupBy(o => o).Select(g => $"{g.Count()} × {g.Key}");
                throw new TimeoutException($"{opened.Count(o => o.Task.IsCompleted)} of {count} idle streams were opened within {Deadlines.Burst}; ended: {string.Join("; ", ended)}");
            }

            await whileOpen();
            return await Task.WhenAll(streams).WaitAsync(Deadlines.Burst);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    /// <summary>
    /// A plain HTTP/1.1 gRPC request on a raw socket; returns everything the server wrote before
    /// closing the connection.
    /// </summary>
    public static async Task<string> Http11RequestAsync(Uri grpcAddress)
    {
        using var client = new TcpClient();
        using var deadline = new CancellationTokenSource(Deadlines.Call);
        await client.ConnectAsync(grpcAddress.Host, grpcAddress.Port, deadline.Token);
        var stream = client.GetStream();
        var body = HelloFrame();
        var head = $"POST {NodeLinkPaths.Connect} HTTP/1.1\r\nHost: {grpcAddress.Authority}\r\nContent-Type: application/grpc\r\nTE: trailers\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), deadline.Token);
        await stream.WriteAsync(body, deadline.Token);
        var received = new MemoryStream();
        await stream.CopyToAsync(received, deadline.Token); // ends when the server closes
        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>The same request through HttpClient, pinned to HTTP/1.1.</summary>
    public static async Task<HttpStatusCode> Http11ClientRequestAsync(Uri grpcAddress)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = Deadlines.Call };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(grpcAddress, NodeLinkPaths.Connect))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(HelloFrame()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
