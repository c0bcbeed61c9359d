using System.Threading.Channels;
using CortexHub.Grains;
using CortexHub.Grains.Cluster;
using CortexHub.Grains.Limits;
using CortexHub.Grains.Nodes;
using CortexHub.Grains.Pool;
using CortexHub.Grains.Storage;
using CortexHub.Grains.Tasks;
using Grpc.Core;
using CortexHub.Protocol.V1;
using CortexHub.Storage;
using Microsoft.Extensions.Logging;

namespace CortexHub.Gateway;

/// <summary>
/// One node's stream on this silo. Three loops share it, each bounded:
/// the read loop (node → hub) queues task events and handles the rest inline; the journal loop
/// drains queued events in batches (group commit) into task grains and acknowledges what became
/// durable; the write loop is the only writer to the node, fed by a bounded channel that also
/// carries outbox commands. A full queue stops the read loop, so a slow node or slow storage
/// slows only this stream (HTTP/2 flow control pushes back on the node). The node grain reaches the
/// stream from anywhere in the cluster through its observer (<see cref="INodeStream"/>).
/// </summary>
internal sealed partial class NodeSession : IDisposable
{
    public static readonly Status Replaced = new(StatusCode.Aborted, "This stream was replaced by a newer connection of the same node.");
    private static readonly Status CredentialsChanged = new(StatusCode.Unauthenticated, "The node's token was rotated or revoked; reconnect with the current token.");
    public static readonly Status OwnerDisabled = new(StatusCode.PermissionDenied, "The user who owns this node is disabled; an admin can enable them again.");

    private readonly Orleans.IGrainFactory _grains;
    private readonly INodeOutboxStore _outbox;
    private readonly PoolDispatcher _pool;
    private readonly GatewayOptions _options;
    private readonly InputLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<QueuedEvent> _events;
    private readonly Channel<HubMessage> _outbound;
    private readonly Channel<bool> _outboxWake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<string> _commandsInFlight = [];
    private readonly HashSet<string> _rejectedTasks = [];

    /// <summary>
    /// Tasks whose events this stream has passed to the journal, with their grain references (the
    /// journal loop's alone): Orleans resolves a reference's grain type by reflection on every
    /// GetGrain, which cost ~4% of the silo's CPU when every batch asked for one.
    /// </summary>
    private readonly Dictionary<string, ITaskGrain> _journaledTasks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _lifetime;
    private Status? _closeStatus;
    private int _closed;
    private Task _writing = Task.CompletedTask;
    private long _lastHeardTicks;

    /// <summary>
    /// 1 while we attach the node or the read loop handles a message (it may wait on the journal's
    /// backpressure): the node is not silent then, we are.
    /// </summary>
    private int _handling = 1;
    private PoolClaimer? _claimer;
    private Task _heartbeat = Task.CompletedTask;
    private readonly StreamObserver _observer; // held here: Orleans keeps observers only weakly
    private readonly INodeStream _stream;

    /// <summary>Most pool items one node may run at once.</summary>
    public const int MaxPoolSlots = 1024;

    /// <summary>Commands per outbox read, and most unconfirmed commands a stream holds (protocol §8).</summary>
    private const int MaxCommandsInFlight = 100;

    public NodeSession(string nodeId, Orleans.IGrainFactory grains, INodeOutboxStore outbox, PoolDispatcher pool, GatewayOptions options, InputLimits limits, TimeProvider time, ILogger logger, CancellationToken callToken)
    {
        NodeId = nodeId;
        _grains = grains;
        Node = grains.GetGrain<INodeGrain>(nodeId); // one reference for the stream's life, not one per message
        _outbox = outbox;
        _pool = pool;
        _options = options;
        _limits = limits;
        _time = time;
        _logger = logger;
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        _events = Channel.CreateBounded<QueuedEvent>(new BoundedChannelOptions(options.InboundEventCapacity) { SingleReader = true, SingleWriter = true });
        _outbound = Channel.CreateBounded<HubMessage>(new BoundedChannelOptions(options.OutboundCapacity) { SingleReader = true });
        _lastHeardTicks = time.GetUtcNow().UtcTicks;
        _observer = new StreamObserver(this);
        _stream = grains.CreateObjectReference<INodeStream>(_observer);
    }

    public string NodeId { get; }

    public string ConnectionId { get; } = Guid.NewGuid().ToString("N");

    public bool Draining { get; private set; }

    private INodeGrain Node { get; }

    /// <summary>A command was queued for this node somewhere in the cluster.</summary>
    public void WakeOutbox() => _outboxWake.Writer.TryWrite(true);

    /// <summary>
    /// Sends a dispatch handed over with its hint (its outbox row is already durable), saving the
    /// outbox read. One the stream already sent is skipped; when the outbound queue is full or closed
    /// the outbox loop sends it from the row instead (at once, or at its next read).
    /// </summary>
    public void HandOverDispatch(NodeCommand dispatch)
    {
        lock (_commandsInFlight)
        {
            // As for the outbox read: no newer command while the node holds this many unconfirmed.
            if (_commandsInFlight.Count >= MaxCommandsInFlight || !_commandsInFlight.Add(dispatch.CommandId))
            {
                return;
            }

            if (_outbound.Writer.TryWrite(HubMessage.Parser.ParseFrom(dispatch.Payload)))
            {
                return;
            }

            _commandsInFlight.Remove(dispatch.CommandId);
        }

        WakeOutbox();
    }

    /// <summary>Ends the stream with <paramref name="status"/> (first close wins).</summary>
    public void Close(Status status)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _closeStatus = status;
        }

        _lifetime.Cancel();
    }

    /// <summary>Asks the node to reconnect elsewhere, then closes the stream.</summary>
    public async Task DrainAsync(string reason)
    {
        Draining = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            // Drain is the last message: nothing is queued after it, and the stream closes once it is written.
            await _outbound.Writer.WriteAsync(new HubMessage { Drain = new Drain { Reason = reason } }, timeout.Token);
            _outbound.Writer.TryComplete();
            await _writing.WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or TimeoutException)
        {
            // The stream is already going away; closing below is all that is left to do.
        }

        Close(new Status(StatusCode.Unavailable, "The silo is draining: " + reason));
    }

    /// <summary>
    /// Attaches the authenticated node and serves its stream until it ends.
    /// <paramref name="admit"/> throws an <see cref="RpcException"/> to refuse the node (its owner
    /// is disabled); <paramref name="helloReadAt"/> is when its Hello was read (<see cref="TimeProvider.GetTimestamp"/>).
    /// </summary>
    public async Task RunAsync(Hello hello, Func<Task> admit, long helloReadAt, IAsyncStreamReader<NodeMessage> reader, IAsyncStreamWriter<HubMessage> writer, string siloId, string peer)
    {
        // Every grain call of this stream (its loops inherit the context) names this silo, so the
        // node's task grains are placed, or move, here.
        BesideNodePlacement.Hint(siloId);
        var token = _lifetime.Token;
        Task writing = Task.CompletedTask, journaling = Task.CompletedTask, pumping = Task.CompletedTask;
        Exception? failure = null;
        var halfClosed = false;
        try
        {
            // Attaching is inside the try: if the node goes away meanwhile (the lifetime token stops
            // the work started for its Hello), its disconnect is still recorded below.
            // The node's tasks are looked up beside its admission and connect, not after them: after
            // a silo's death every one of these grains activates again (from storage), and a
            // reconnect storm waits on the slowest chain of them.
            var authenticated = _time.GetElapsedTime(helloReadAt);
            var connecting = AdmitAndConnectAsync(hello, admit, siloId, peer, helloReadAt);
            var resuming = BuildWelcomeAsync(hello, siloId, helloReadAt, token);
            await Task.WhenAll(connecting, resuming); // a refusal (first in the list) is what surfaces
            var (node, admitted, connected) = await connecting;
            var (welcome, resumed) = await resuming;
            await writer.WriteAsync(welcome, token);
            LogConnected(NodeId, ConnectionId, hello.AgentVersion, hello.RunningTasks.Count);
            LogAttachTimes(NodeId, _time.GetElapsedTime(helloReadAt).TotalMilliseconds, authenticated.TotalMilliseconds, admitted.TotalMilliseconds, connected.TotalMilliseconds, resumed.TotalMilliseconds);
            writing = _writing = WriteLoopAsync(writer, token);
            journaling = JournalLoopAsync();
            pumping = OutboxLoopAsync(token);

            // Settles the pool claims the node held before this stream, then offers it work while it has free slots.
            _claimer = await _pool.AttachAsync(NodeId, node.Owner, node.Labels, (int)hello.PoolSlots, hello.RunningTasks.Select(t => t.TaskId).ToHashSet(StringComparer.Ordinal));
            await ReadLoopAsync(reader, token);
            halfClosed = !token.IsCancellationRequested; // the node ended its side of the stream
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Closed by us (replaced, drained, storage down) or by the client going away.
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            // Whatever was read is still written to the journal; acknowledgements may no longer reach the node.
            _events.Writer.TryComplete();
            await journaling;
            if (halfClosed && Volatile.Read(ref _closed) == 0)
            {
                // A half-close ends the call cleanly: the acknowledgements of everything the node sent
                // go out before the status (OK), unless the node stops reading them for longer than
                // it may stay silent.
                _outbound.Writer.TryComplete();
                await Task.WhenAny(writing, Task.Delay(_options.NodeHeartbeatInterval * 3, _time));
            }

            _lifetime.Cancel();
            _outbound.Writer.TryComplete();
            await Task.WhenAll(writing, pumping, _heartbeat);
            _claimer?.Dispose();
            await DisconnectAsync();
        }

        if (failure is not null)
        {
            throw failure;
        }

        if (_closeStatus is { } status)
        {
            throw new RpcException(status);
        }
    }

    /// <summary>Admits the node, then records this stream as its current one; returns the node and when each was done (after the Hello).</summary>
    private async Task<(NodeSnapshot Node, TimeSpan Admitted, TimeSpan Connected)> AdmitAndConnectAsync(Hello hello, Func<Task> admit, string siloId, string peer, long helloReadAt)
    {
        await admit(); // before anything records the node connected
        var admitted = _time.GetElapsedTime(helloReadAt);
        var node = await Node.ConnectAsync(new NodeConnectInfo(siloId, ConnectionId, hello.AgentVersion, hello.Hostname, new Dictionary<string, string>(hello.Labels), peer, _stream));
        return (node, admitted, _time.GetElapsedTime(helloReadAt));
    }

    /// <summary>
    /// Where each task the node still runs resumes, and when that was known (after the Hello). One
    /// task grain call per listed task (the list is bounded at Hello), a few at a time, and stopped
    /// when the stream ends.
    /// </summary>
    private async Task<(HubMessage Welcome, TimeSpan At)> BuildWelcomeAsync(Hello hello, string siloId, long helloReadAt, CancellationToken token)
    {
        var resume = new TaskResume[hello.RunningTasks.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _limits.HelloParallelism, CancellationToken = token };
        await Parallel.ForEachAsync(Enumerable.Range(0, resume.Length), parallel, async (i, _) =>
        {
            var taskId = hello.RunningTasks[i].TaskId;
            var acked = await _grains.GetGrain<ITaskGrain>(taskId).GetResumePointAsync(NodeId);
            resume[i] = new TaskResume { TaskId = taskId, Known = acked is not null, AckedSequence = (ulong)(acked ?? 0) };
        });

        var welcome = new Welcome { NodeId = NodeId, SiloId = siloId, HeartbeatIntervalMs = (uint)_options.NodeHeartbeatInterval.TotalMilliseconds };
        welcome.Resume.Add(resume);
        return (new HubMessage { Welcome = welcome }, _time.GetElapsedTime(helloReadAt));
    }

    private async Task ReadLoopAsync(IAsyncStreamReader<NodeMessage> reader, CancellationToken token)
    {
        // The node's silence counts from here: until now we were busy attaching it.
        Volatile.Write(ref _lastHeardTicks, _time.GetUtcNow().UtcTicks);
        Volatile.Write(ref _handling, 0);
        while (await reader.MoveNext(token))
        {
            Volatile.Write(ref _handling, 1);
            await HandleAsync(reader.Current, token);
            // Heard now, not when the message arrived: time spent waiting on our own storage is not the node's silence.
            Volatile.Write(ref _lastHeardTicks, _time.GetUtcNow().UtcTicks);
            Volatile.Write(ref _handling, 0);
        }
    }

    private async Task HandleAsync(NodeMessage message, CancellationToken token)
    {
        switch (message.BodyCase)
        {
            case NodeMessage.BodyOneofCase.TaskEvent:
                var e = message.TaskEvent;
                if (e.TaskId.Length is 0 or > InputLimits.MaxTaskIdLength)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"TaskEvent.task_id must be 1 to {InputLimits.MaxTaskIdLength} characters (got {e.TaskId.Length})."));
                }

                await _events.Writer.WriteAsync(new QueuedEvent(e.TaskId, TaskEventMapping.ToRecord(e)), token);
                break;
            case NodeMessage.BodyOneofCase.Heartbeat:
                // Not awaited here: a busy node grain must not stall reading the stream (whose
                // silence would then close it). One beat in flight; one arriving meanwhile adds nothing.
                if (_heartbeat.IsCompleted)
                {
                    _heartbeat = BeatAsync();
                }

                break;
            case NodeMessage.BodyOneofCase.Terminal:
                // Deprecated and ignored: a node's terminal is its sessions (protocol §10). Accepted so older nodes keep working.
                break;
            case NodeMessage.BodyOneofCase.CommandAck:
                await _outbox.NodeCommandDeleteAsync(NodeId, message.CommandAck.CommandId, token);
                lock (_commandsInFlight)
                {
                    _commandsInFlight.Remove(message.CommandAck.CommandId);
                }

                break;
            case NodeMessage.BodyOneofCase.WorkRequest:
                if (message.WorkRequest.Slots > MaxPoolSlots)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"WorkRequest.slots must be at most {MaxPoolSlots} (got {message.WorkRequest.Slots})."));
                }

                _claimer?.SetSlots((int)message.WorkRequest.Slots);
                break;
            case NodeMessage.BodyOneofCase.Hello:
                throw new RpcException(new Status(StatusCode.InvalidArgument, "Hello may be sent only once, as the first message of a stream."));
            default:
                throw new RpcException(new Status(StatusCode.InvalidArgument, "Empty NodeMessage: set one of hello, heartbeat, task_event, terminal, command_ack, work_request."));
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            if (!await Node.HeartbeatAsync(ConnectionId, _stream))
            {
                Close(Replaced);
            }
        }
        catch (Exception ex) when (TransientFaults.Is(ex))
        {
            // The node grain's silo is failing over; the next beat reaches it there.
        }
    }

    /// <summary>Group commit: everything queued since the last round trip goes in the next one.</summary>
    private async Task JournalLoopAsync()
    {
        // Grows with the first events instead of being sized for a full batch up front: most streams
        // are idle, and 512 slots (8 KiB) held by each of 10,000 silent nodes would be a third of its budget.
        var batch = new List<QueuedEvent>();
        var reader = _events.Reader;
        var storageDown = false;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxEventsPerBatch && reader.TryRead(out var queued))
            {
                batch.Add(queued);
            }

            if (storageDown)
            {
                continue; // not acknowledged, so the node resends these after it reconnects
            }

            try
            {
                foreach (var group in batch.GroupBy(q => q.TaskId))
                {
                    await AppendAsync(group.Key, [.. group.Select(q => q.Record)]);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Storage away, the task's silo failing over, anything else: nothing of this batch was
                // acknowledged, so the node resends it on its next stream, wherever that lands.
                storageDown = true;
                var errorId = ErrorId.New();
                LogJournalUnavailable(ex, NodeId, errorId);
                Close(new Status(StatusCode.Unavailable, $"The journal is unavailable (error id {errorId}); reconnect and resend unacknowledged events."));
            }
        }
    }

    private async Task AppendAsync(string taskId, TaskEventRecord[] records)
    {
        AppendResult result;
        try
        {
            // A task's first events on a stream are the oldest its node still holds (it resends from
            // Welcome's position, or from its own acknowledged one when it no longer holds that), so
            // the grain may record a gap before them as lost instead of waiting for it forever.
            if (_journaledTasks.TryGetValue(taskId, out var task))
            {
                result = await task.AppendEventsAsync(NodeId, records);
            }
            else
            {
                task = _grains.GetGrain<ITaskGrain>(taskId);
                _journaledTasks.Add(taskId, task);
                result = await task.AppendResumedEventsAsync(NodeId, records);
            }
        }
        catch (InvalidOperationException ex)
        {
            // Not this node's task (or no such task): tell the node to stop it, once.
            if (_rejectedTasks.Add(taskId))
            {
                LogUnknownTask(NodeId, taskId, ex.Message);
                await SendAsync(new HubMessage { Cancel = new CancelTask { CommandId = "reject:" + taskId, TaskId = taskId, Reason = ex.Message } });
            }

            return;
        }

        if (result.GapAfter is { } gap)
        {
            LogGap(NodeId, taskId, gap);
        }

        await SendAsync(new HubMessage { Ack = new Ack { TaskId = taskId, Sequence = (ulong)result.AckedSequence } });
        if (Array.Exists(records, r => r.Kind == TaskEventKind.Result && r.Sequence <= result.AckedSequence))
        {
            _claimer?.TaskFinished(taskId); // a pool task's slot is free again
        }
    }

    private async Task SendAsync(HubMessage message)
    {
        try
        {
            await _outbound.Writer.WriteAsync(message, _lifetime.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The stream ended; the node learns the durable position from the next Welcome.
        }
    }

    private async Task WriteLoopAsync(IAsyncStreamWriter<HubMessage> writer, CancellationToken token)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(token))
            {
                await writer.WriteAsync(message, token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
            Close(new Status(StatusCode.Unavailable, "Writing to the node failed."));
        }
    }

    private async Task OutboxLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (Volatile.Read(ref _handling) == 0 && _time.GetUtcNow().UtcTicks - Volatile.Read(ref _lastHeardTicks) > (_options.NodeHeartbeatInterval * 3).Ticks)
                {
                    Close(new Status(StatusCode.Unavailable, $"Nothing heard from the node for {_options.NodeHeartbeatInterval * 3}; reconnect."));
                    return;
                }

                foreach (var command in await _outbox.NodeCommandListPendingAsync(NodeId, MaxCommandsInFlight, token))
                {
                    lock (_commandsInFlight)
                    {
                        if (!_commandsInFlight.Add(command.CommandId))
                        {
                            continue;
                        }
                    }

                    await _outbound.Writer.WriteAsync(HubMessage.Parser.ParseFrom(command.Payload), token);
                }
            }
            catch (StorageUnavailableException ex)
            {
                LogOutboxUnavailable(ex, NodeId);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                return;
            }

            using var poll = new CancellationTokenSource(_options.OutboxPollInterval, _time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, token);
            try
            {
                await _outboxWake.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                // Poll interval passed, or the session ended (the loop condition decides).
            }
        }
    }

    private async Task DisconnectAsync()
    {
        try
        {
            await Node.DisconnectAsync(ConnectionId, Draining);
            LogDisconnected(NodeId, ConnectionId, _closeStatus?.Detail ?? "stream ended");
        }
        catch (Exception ex) when (TransientFaults.Is(ex))
        {
            // The node shows online until its next connection or the status check; nothing is lost.
            LogDisconnectNotRecorded(ex, NodeId, ErrorId.New());
        }
    }

    /// <summary>Stops the node grain's calls reaching this stream (the lifetime token ends with the call).</summary>
    public void Dispose() => _grains.DeleteObjectReference<INodeStream>(_stream);

    /// <summary>What the node grain tells this stream, from whichever silo it is on.</summary>
    private sealed class StreamObserver(NodeSession session) : INodeStream
    {
        public Task CommandsQueued()
        {
            session.WakeOutbox();
            return Task.CompletedTask;
        }

        public Task DispatchQueued(NodeCommand dispatch)
        {
            session.HandOverDispatch(dispatch);
            return Task.CompletedTask;
        }

        public Task Close(NodeStreamCloseReason reason)
        {
            session.Close(reason switch
            {
                NodeStreamCloseReason.CredentialsChanged => CredentialsChanged,
                NodeStreamCloseReason.OwnerDisabled => OwnerDisabled,
                _ => Replaced,
            });
            return Task.CompletedTask;
        }
    }

    [LoggerMessage(5001, LogLevel.Information, "Node {NodeId} connected (stream {ConnectionId}, agent {AgentVersion}, {RunningTasks} running tasks)")]
    private partial void LogConnected(string nodeId, string connectionId, string agentVersion, int runningTasks);

    [LoggerMessage(5008, LogLevel.Debug, "Node {NodeId} welcomed {WelcomedMs:F0} ms after its Hello: authenticated after {AuthenticatedMs:F0} ms, its owner checked after {AdmittedMs:F0} ms, recorded connected after {ConnectedMs:F0} ms, its tasks' resume points known after {ResumedMs:F0} ms")]
    private partial void LogAttachTimes(string nodeId, double welcomedMs, double authenticatedMs, double admittedMs, double connectedMs, double resumedMs);

    [LoggerMessage(5002, LogLevel.Information, "Node {NodeId} disconnected (stream {ConnectionId}): {Reason}")]
    private partial void LogDisconnected(string nodeId, string connectionId, string reason);

    [LoggerMessage(5003, LogLevel.Error, "Journal writes for node {NodeId} failed (error id {ErrorId}); closing the stream so the node resends")]
    private partial void LogJournalUnavailable(Exception exception, string nodeId, string errorId);

    [LoggerMessage(5004, LogLevel.Warning, "Node {NodeId} sent events for task {TaskId}, which it does not run: {Reason}")]
    private partial void LogUnknownTask(string nodeId, string taskId, string reason);

    [LoggerMessage(5005, LogLevel.Warning, "Node {NodeId} skipped events of task {TaskId} after sequence {Sequence}; asking it to resend from there")]
    private partial void LogGap(string nodeId, string taskId, long sequence);

    [LoggerMessage(5006, LogLevel.Warning, "Reading the outbox of node {NodeId} failed; retrying on the next poll")]
    private partial void LogOutboxUnavailable(Exception exception, string nodeId);

    [LoggerMessage(5007, LogLevel.Warning, "Could not record that node {NodeId} disconnected (error id {ErrorId})")]
    private partial void LogDisconnectNotRecorded(Exception exception, string nodeId, string errorId);
}
