using CortexHub.Grpc;
using CortexHub.Protocol;
using CortexHub.Protocol.V1;
using Google.Protobuf;

namespace CortexHub.Testing;

/// <summary>
/// A scripted node speaking the node link protocol message by message, for gateway tests that
/// need exact control (resends, gaps, replaced connections). The reference agent is the real node.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public static readonly GrpcMethod<NodeMessage, HubMessage> ConnectMethod =
        new(GrpcMethodType.DuplexStreaming, NodeLinkMethods.ServiceName, NodeLinkMethods.Connect, NodeMessage.Parser, HubMessage.Parser);

    private readonly GrpcChannel _channel;
    private readonly GrpcDuplexStreamingCall<NodeMessage, HubMessage> _call;

    private TestNode(GrpcChannel channel, GrpcDuplexStreamingCall<NodeMessage, HubMessage> call, string nodeId)
    {
        _channel = channel;
        _call = call;
        NodeId = nodeId;
    }

    public string NodeId { get; }

    /// <summary>Opens a stream and sends Hello; does not wait for the answer (see <see cref="ConnectAsync"/>).</summary>
    public static async Task<TestNode> OpenAsync(Uri grpcAddress, Hello hello, GrpcCallOptions? options = null)
    {
        var channel = GrpcChannel.ForAddress(grpcAddress);
        var call = channel.AsyncDuplexStreamingCall(ConnectMethod, options);
        var node = new TestNode(channel, call, hello.NodeId);
        await node.SendAsync(new NodeMessage { Hello = hello });
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

    public Task SendAsync(NodeMessage message) => _call.RequestStream.WriteAsync(message, CancellationToken.None).AsTask();

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

    /// <summary>The next message from the hub; a finished stream throws its status as <see cref="GrpcStatusException"/>.</summary>
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
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"Node {NodeId} received nothing within {timeout}.");
        }

        var status = _call.GetStatus();
        throw new GrpcStatusException(status.Code == StatusCode.OK ? StatusCode.Unavailable : status.Code, $"stream ended: {status.Detail}");
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
    public async Task<GrpcStatus> ReadToEndAsync(TimeSpan timeout)
    {
        try
        {
            while (true)
            {
                await ReadAsync(timeout);
            }
        }
        catch (GrpcStatusException ex)
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
        catch (Exception ex) when (ex is GrpcStatusException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // The stream is already over.
        }

        _call.Dispose();
        _channel.Dispose();
    }
}
