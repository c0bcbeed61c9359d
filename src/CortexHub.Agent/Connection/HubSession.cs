using System.Threading.Channels;
using CortexHub.Agent.Logging;
using CortexHub.Agent.Tasks;
using CortexHub.Protocol.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Connection;

/// <summary>
/// One NodeLink.Connect stream, from Hello to its end. Single use; owns its channel.
/// </summary>
/// <remarks>
/// Concurrency: the stream has exactly one writer, <see cref="WriteLoopAsync"/>, fed by a bounded channel (the
/// outbox). Hello goes in first; after Welcome, the event pump (task events taken from the registry in
/// per-task order), the heartbeat loop and the read loop (CommandAcks) add to it and wait when it is full.
/// Whatever breaks the session — the hub, a failed write, the Welcome timeout, the agent stopping — cancels the
/// call token, which stops every loop; events taken but not acknowledged stay in the registry and are resent by
/// the next session.
/// A session that ends cleanly (Drain, or the hub ended its side) stops its pump and heartbeat at once, so the
/// next session can start right away, and closes in the background (<see cref="Closed"/>): it flushes what is
/// queued, half-closes, and keeps applying acks until the hub ends the call or <see cref="CloseTimeout"/> passes.
/// </remarks>
internal sealed class HubSession
{
    /// <summary>Events taken per task per round, so one chatty task does not starve the others.</summary>
    private const int MaxEventsPerTaskPerRound = 16;

    /// <summary>How long a clean end may take to flush, half-close and see the hub end the call.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly AgentOptions _options;
    private readonly TaskRegistry _registry;
    private readonly GrpcChannel _channel;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<NodeMessage> _outbox;
    private CancellationTokenSource? _callCts;
    private string? _abortReason;
    private RpcException? _writeFailure;

    public HubSession(AgentOptions options, TaskRegistry registry, GrpcChannel channel, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _registry = registry;
        _channel = channel;
        _timeProvider = timeProvider;
        _logger = logger;
        _outbox = Channel.CreateBounded<NodeMessage>(new BoundedChannelOptions(options.OutboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Completes when the call and the channel are disposed (after <see cref="RunAsync"/>, possibly later).</summary>
    public Task Closed { get; private set; } = Task.CompletedTask;

    public async Task<SessionResult> RunAsync(CancellationToken stoppingToken)
    {
        var callCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _callCts = callCts;
        var callToken = callCts.Token;
        using var loopsCts = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        var call = new NodeLink.NodeLinkClient(_channel).Connect(cancellationToken: callToken);
        var loops = new List<Task>();
        Task? writer = null;
        long? welcomedAt = null;
        var graceful = false;

        SessionResult End(SessionEnd end, string detail) =>
            new(end, welcomedAt is { } at ? _timeProvider.GetElapsedTime(at) : null, detail);

        try
        {
            // Hello is the first message on the stream: nothing else can be queued before the writer starts.
            _outbox.Writer.TryWrite(new NodeMessage { Hello = CreateHello() });
            writer = WriteLoopAsync(call.RequestStream, callToken);

            var welcome = await ReadWelcomeAsync(call.ResponseStream, callToken).ConfigureAwait(false);
            welcomedAt = _timeProvider.GetTimestamp();
            var heartbeat = _options.HeartbeatInterval
                ?? (welcome.HeartbeatIntervalMs > 0 ? TimeSpan.FromMilliseconds(welcome.HeartbeatIntervalMs) : AgentOptions.DefaultHeartbeatInterval);
            AgentLog.Connected(_logger, welcome.NodeId, welcome.SiloId, heartbeat, welcome.Resume.Count);

            // Rewind every task to what the hub holds before the pump starts sending.
            _registry.Resume(welcome.Resume);
            loops.Add(PumpEventsAsync(loopsCts.Token));
            loops.Add(HeartbeatAsync(heartbeat, loopsCts.Token));

            while (await call.ResponseStream.MoveNext(callToken).ConfigureAwait(false))
            {
                var message = call.ResponseStream.Current;
                if (message.BodyCase == HubMessage.BodyOneofCase.Drain)
                {
                    graceful = true;
                    return End(SessionEnd.Drained, $"the hub is draining: {message.Drain.Reason}");
                }

                await HandleAsync(message, callToken).ConfigureAwait(false);
            }

            graceful = true;
            return End(SessionEnd.Lost, "the hub ended the stream");
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            return End(SessionEnd.Stopped, "the agent is stopping");
        }
        catch (RpcException ex) when (IsUnauthenticated(ex) || IsUnauthenticated(_writeFailure))
        {
            var rejected = IsUnauthenticated(ex) ? ex : _writeFailure!;
            return End(SessionEnd.Unauthenticated, rejected.Status.Detail);
        }
        catch (RpcException ex)
        {
            return End(SessionEnd.Lost, _abortReason ?? $"{ex.StatusCode}: {ex.Status.Detail}");
        }
        catch (OperationCanceledException)
        {
            return End(SessionEnd.Lost, _abortReason ?? "the stream was cancelled");
        }
        catch (HubProtocolException ex)
        {
            return End(SessionEnd.Lost, ex.Message);
        }
        finally
        {
            // The pump and heartbeat stop before the next session can start its own: only one pump may take
            // events from the registry at a time.
            await loopsCts.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(loops).ConfigureAwait(false);
            _outbox.Writer.TryComplete();
            if (graceful && writer is not null && !stoppingToken.IsCancellationRequested)
            {
                Closed = CloseGracefullyAsync(call, writer, callCts);
            }
            else
            {
                await callCts.CancelAsync().ConfigureAwait(false);
                await (writer ?? Task.CompletedTask).ConfigureAwait(false);
                Dispose(call, callCts);
            }
        }
    }

    private Hello CreateHello()
    {
        var hello = new Hello
        {
            NodeId = _options.NodeId,
            Token = _options.Token,
            AgentVersion = AgentExecutable.Version,
            Hostname = _options.Hostname,
            PoolSlots = (uint)_options.PoolSlots,
        };
        hello.Labels.Add(_options.Labels);
        hello.RunningTasks.AddRange(_registry.GetRunningTasks());
        return hello;
    }

    private async Task<Welcome> ReadWelcomeAsync(IAsyncStreamReader<HubMessage> responses, CancellationToken token)
    {
        using var timeout = _timeProvider.CreateTimer(
            static state => ((HubSession)state!).Abort("no Welcome arrived in time"), this, _options.WelcomeTimeout, Timeout.InfiniteTimeSpan);
        if (!await responses.MoveNext(token).ConfigureAwait(false))
        {
            throw new HubProtocolException("The hub ended the stream before sending Welcome.");
        }

        var first = responses.Current;
        return first.BodyCase == HubMessage.BodyOneofCase.Welcome
            ? first.Welcome
            : throw new HubProtocolException($"The hub's first message was {first.BodyCase}, not Welcome.");
    }

    private async ValueTask HandleAsync(HubMessage message, CancellationToken token)
    {
        switch (message.BodyCase)
        {
            case HubMessage.BodyOneofCase.Dispatch:
                var dispatch = message.Dispatch;
                await _registry.DispatchAsync(dispatch, () => SendCommandAckAsync(dispatch.CommandId, token)).ConfigureAwait(false);
                break;
            case HubMessage.BodyOneofCase.Cancel:
                var cancel = message.Cancel;
                await _registry.CancelAsync(cancel, () => SendCommandAckAsync(cancel.CommandId, token)).ConfigureAwait(false);
                break;
            case HubMessage.BodyOneofCase.Input:
                var input = message.Input;
                await _registry.InputAsync(input, () => SendCommandAckAsync(input.CommandId, token)).ConfigureAwait(false);
                break;
            case HubMessage.BodyOneofCase.Resize:
                var resize = message.Resize;
                await _registry.ResizeAsync(resize, () => SendCommandAckAsync(resize.CommandId, token)).ConfigureAwait(false);
                break;
            case HubMessage.BodyOneofCase.Ack:
                _registry.Acknowledge(message.Ack.TaskId, message.Ack.Sequence);
                break;
            case HubMessage.BodyOneofCase.Ping:
                // Pings only keep the stream busy through proxies; the heartbeat is the answer the hub tracks.
                break;
            default:
                AgentLog.UnexpectedHubMessage(_logger, message.BodyCase.ToString());
                break;
        }
    }

    private ValueTask SendCommandAckAsync(string commandId, CancellationToken token) =>
        _outbox.Writer.WriteAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = commandId } }, token);

    private async Task WriteLoopAsync(IClientStreamWriter<NodeMessage> requests, CancellationToken token)
    {
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(token).ConfigureAwait(false))
            {
                while (_outbox.Reader.TryRead(out var message))
                {
                    await requests.WriteAsync(message, token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (token.IsCancellationRequested && ex is OperationCanceledException or RpcException)
        {
            // The session is over for another reason; the read loop reports it.
        }
        catch (RpcException ex)
        {
            // The call failed: the read loop sees the same status and reports it.
            _writeFailure = ex;
            AgentLog.WriteFailed(_logger, ex.Message);
            _callCts?.TryCancel();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            AgentLog.WriteFailed(_logger, ex.Message);
            Abort($"writing to the hub failed: {ex.Message}");
        }
    }

    private async Task PumpEventsAsync(CancellationToken token)
    {
        var batch = new List<TaskEvent>();
        try
        {
            while (true)
            {
                await _registry.WaitForPendingAsync(token).ConfigureAwait(false);
                while (_registry.TakePending(batch, MaxEventsPerTaskPerRound) > 0)
                {
                    foreach (var taskEvent in batch)
                    {
                        await _outbox.Writer.WriteAsync(new NodeMessage { TaskEvent = taskEvent }, token).ConfigureAwait(false);
                    }

                    batch.Clear();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // Session over. Events taken but not written are still held; the next session resends them.
        }
    }

    private async Task HeartbeatAsync(TimeSpan interval, CancellationToken token)
    {
        try
        {
            using var timer = new PeriodicTimer(interval, _timeProvider);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                var heartbeat = new Heartbeat
                {
                    SentAtUnixMs = (ulong)_timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                    RunningTasks = (uint)_registry.RunningCount,
                };
                await _outbox.Writer.WriteAsync(new NodeMessage { Heartbeat = heartbeat }, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // Session over.
        }
    }

    /// <summary>
    /// Lets the writer flush what is queued, half-closes, and reads until the hub ends the call (acks that still
    /// arrive are applied), all within <see cref="CloseTimeout"/>; then disposes the call and the channel.
    /// </summary>
    private async Task CloseGracefullyAsync(AsyncDuplexStreamingCall<NodeMessage, HubMessage> call, Task writer, CancellationTokenSource callCts)
    {
        var timeout = _timeProvider.CreateTimer(
            static state => ((CancellationTokenSource)state!).TryCancel(), callCts, CloseTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            await writer.ConfigureAwait(false);
            if (!callCts.IsCancellationRequested)
            {
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }

            while (await call.ResponseStream.MoveNext(callCts.Token).ConfigureAwait(false))
            {
                if (call.ResponseStream.Current.BodyCase == HubMessage.BodyOneofCase.Ack)
                {
                    var ack = call.ResponseStream.Current.Ack;
                    _registry.Acknowledge(ack.TaskId, ack.Sequence);
                }
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or InvalidOperationException)
        {
            // The hub did not end the call in time, or it failed: either way this stream is done.
        }
        finally
        {
            timeout.Dispose();
            Dispose(call, callCts);
        }
    }

    private void Dispose(AsyncDuplexStreamingCall<NodeMessage, HubMessage> call, CancellationTokenSource callCts)
    {
        call.Dispose();
        _channel.Dispose();
        callCts.Dispose();
    }

    private void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);
        _callCts?.TryCancel();
    }

    private static bool IsUnauthenticated(RpcException? ex) => ex?.StatusCode == StatusCode.Unauthenticated;
}
