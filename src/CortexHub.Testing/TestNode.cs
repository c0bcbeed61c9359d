using System.Net.Http;
using CortexHub.Protocol.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace CortexHub.Testing;

/// <summary>
/// A scripted node speaking the node link protocol message by message, for gateway tests that
/// need exact control (resends, gaps, replaced connections). The reference agent is the real node.
/// </summary>
/// <remarks>
/// Each node has its own <see cref="GrpcChannel"/> and so its own HTTP/2 connection, as a real node
/// has: the gateway sees one connection per node, and <see cref="Abort"/> drops exactly that one.
/// </remarks>
public sealed class TestNode : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<NodeMessage, HubMessage> _call;

    private TestNode(GrpcChannel channel, AsyncDuplexStreamingCall<NodeMessage, HubMessage> call, string nodeId)
    {
        _channel = channel;
        _call = call;
        NodeId = nodeId;
    }

    public string NodeId { get; }

    /// <summary>
    /// A channel with a connection of its own to <paramref name="grpcAddress"/> (h2c for http://), closed when the
    /// channel is disposed. While a call is open it pings after 60 s of silence (20 s to answer), so a silo that
    /// vanished without closing the connection fails the call instead of leaving it hanging.
    /// </summary>
    internal static GrpcChannel CreateChannel(Uri grpcAddress)
    {
        ArgumentNullException.ThrowIfNull(grpcAddress);
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        };
        return GrpcChannel.ForAddress(grpcAddress, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }

    /// <summary>Opens a stream and sends Hello; does not wait for the answer (see <see cref="ConnectAsync"/>).</summary>
    public static async Task<TestNode> OpenAsync(Uri grpcAddress, Hello hello, CallOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hello);
        var channel = CreateChannel(grpcAddress);
        var call = new NodeLink.NodeLinkClient(channel).Connect(options ?? new CallOptions());
        var node = new TestNode(channel, call, hello.NodeId);
        try
        {
            await node.SendAsync(new NodeMessage { Hello = hello });
        }
        catch (Exception)
        {
            // No caller gets the node to dispose: close its connection here, then report the failure.
            node.Abort();
            throw;
        }

        return node;
    }

    /// <summary>Connects, authenticates and returns the hub's Welcome.</summary>
    public static async Task<(TestNode Node, Welcome Welcome)> ConnectAsync(Uri grpcAddress, string nodeId, string token, params RunningTask[] running)
    {
        var hello = new Hello { NodeId = nodeId, Token = token, AgentVersion = "test-node", Hostname = "test" };
        hello.RunningTasks.Add(running);
        var node = await OpenAsync(grpcAddress, hello);
        var first = await node.ReadAsync(TimeSpan.FromSeconds(15));
        return first.BodyCase == HubMessage.BodyOneofCase.Welcome
            ? (node, first.Welcome)
            : throw new InvalidOperationException($"Expected Welcome, got {first.BodyCase}.");
    }

    public Task SendAsync(NodeMessage message) => _call.RequestStream.WriteAsync(message, CancellationToken.None);

    public Task SendEventAsync(string taskId, long sequence, Action<TaskEvent> fill)
    {
        var e = new TaskEvent { TaskId = taskId, Sequence = (ulong)sequence };
        fill(e);
        return SendAsync(new NodeMessage { TaskEvent = e });
    }

    public Task SendOutputAsync(string taskId, long sequence, string text, OutputStream stream = OutputStream.Stdout) =>
        SendEventAsync(taskId, sequence, e => e.Output = new OutputChunk { Stream = stream, Data = ByteString.CopyFromUtf8(text) });

    public Task SendResultAsync(string taskId, long sequence, int exitCode) =>
        SendEventAsync(taskId, sequence, e => e.Result = new TaskResult { Outcome = TaskOutcome.Exited, ExitCode = exitCode });

    /// <summary>
    /// The next message from the hub; a finished stream throws its status as <see cref="RpcException"/> (a stream
    /// the hub ended with OK as UNAVAILABLE, since a node link stream never ends by design). Nothing within
    /// <paramref name="timeout"/> throws <see cref="TimeoutException"/> and, as in any gRPC client, cancels the call.
    /// </summary>
    public async Task<HubMessage> ReadAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            if (await _call.ResponseStream.MoveNext(deadline.Token))
            {
                return _call.ResponseStream.Current;
            }
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            throw new TimeoutException($"Node {NodeId} received nothing within {timeout}.");
        }

        var status = _call.GetStatus();
        throw new RpcException(new Status(status.StatusCode == StatusCode.OK ? StatusCode.Unavailable : status.StatusCode, $"stream ended: {status.Detail}"));
    }

    /// <summary>Reads until a message matches, returning it (messages before it are skipped).</summary>
    public async Task<HubMessage> ReadUntilAsync(Func<HubMessage, bool> match, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var message = await ReadAsync(timeout - clock.Elapsed);
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>Reads until the stream ends and returns its final status.</summary>
    public async Task<Status> ReadToEndAsync(TimeSpan timeout)
    {
        try
        {
            while (true)
            {
                await ReadAsync(timeout);
            }
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
    }

    /// <summary>Drops the stream without ending it properly, as a crashed process or a cut cable would.</summary>
    public void Abort()
    {
        _call.Dispose();
        _channel.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // The stream is already over.
        }

        _call.Dispose();
        _channel.Dispose();
    }
}
