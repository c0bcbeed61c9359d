using System.Collections.Concurrent;
using CortexHub.Grpc;
using CortexHub.Protocol.V1;
using Google.Protobuf;

namespace CortexHub.Testing;

/// <summary>
/// A simulated node that takes work-pool items over the real node link: Hello with pool slots,
/// runs each dispatched task as a short delay, reports accepted/started/output/result with
/// sequence numbers, keeps unacknowledged events across reconnects and resends them from the
/// sequence Welcome names, heartbeats, and moves to the next silo address when its stream dies.
/// <see cref="Crash"/> simulates the node process dying (running work and unsent events are lost).
/// Every execution is recorded so tests can check that no item ran on two nodes at once.
/// </summary>
public sealed class PoolWorkerNode : IAsyncDisposable
{
    private readonly string _token;
    private readonly IReadOnlyList<Uri> _silos;
    private readonly int _slots;
    private readonly Func<string, TimeSpan> _workTime;
    private readonly IReadOnlyDictionary<string, string> _labels;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ConcurrentDictionary<string, RunningWork> _tasks = new(StringComparer.Ordinal);
    private CancellationTokenSource _life = new();
    private TestNode? _node;
    private Task? _loop;
    private int _siloIndex;

    public PoolWorkerNode(string nodeId, string token, IReadOnlyList<Uri> silos, int slots, Func<string, TimeSpan>? workTime = null, IReadOnlyDictionary<string, string>? labels = null, int firstSilo = 0)
    {
        NodeId = nodeId;
        _token = token;
        _silos = silos;
        _slots = slots;
        _workTime = workTime ?? (_ => TimeSpan.FromMilliseconds(2));
        _labels = labels ?? new Dictionary<string, string>();
        _siloIndex = firstSilo;
    }

    public string NodeId { get; }

    /// <summary>Every run of a task on this node: task id, start, end (end is the crash time for crashed runs).</summary>
    public ConcurrentQueue<(string TaskId, DateTimeOffset Start, DateTimeOffset End, bool Crashed)> Executions { get; } = new();

    /// <summary>Streams opened (1 + reconnects).</summary>
    public int Connections;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>The node process dies: its stream drops, running work stops, everything not yet sent is gone. It restarts at once.</summary>
    public void Crash()
    {
        var old = Interlocked.Exchange(ref _tasks, new ConcurrentDictionary<string, RunningWork>(StringComparer.Ordinal));
        var now = DateTimeOffset.UtcNow;
        foreach (var work in old.Values)
        {
            if (work.Running)
            {
                Executions.Enqueue((work.TaskId, work.StartedAt, now, true));
            }
        }

        var life = Interlocked.Exchange(ref _life, new CancellationTokenSource());
        life.Cancel();
        _node?.Abort();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var life = _life;
            try
            {
                await SessionAsync(_silos[_siloIndex % _silos.Count], life.Token);
            }
            catch (Exception)
            {
                // Stream failed (silo died, crash, drain) or the node is stopping: try the next silo, or end.
            }

            _node?.Abort();
            _siloIndex++;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SessionAsync(Uri silo, CancellationToken life)
    {
        var tasks = _tasks;
        var hello = new Hello { NodeId = NodeId, Token = _token, AgentVersion = "pool-worker", Hostname = "sim", PoolSlots = (uint)_slots };
        hello.Labels.Add(_labels.ToDictionary());
        foreach (var work in tasks.Values)
        {
            hello.RunningTasks.Add(new RunningTask { TaskId = work.TaskId, LastSequenceSent = (ulong)work.Sent });
        }

        var node = _node = await TestNode.OpenAsync(silo, hello);
        Interlocked.Increment(ref Connections);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(life, _stop.Token);
        var first = await node.ReadAsync(TimeSpan.FromSeconds(30));
        if (first.BodyCase != HubMessage.BodyOneofCase.Welcome)
        {
            throw new InvalidOperationException($"Expected Welcome, got {first.BodyCase}.");
        }

        var welcome = first.Welcome;
        foreach (var resume in welcome.Resume)
        {
            if (!tasks.TryGetValue(resume.TaskId, out var work))
            {
                continue;
            }

            if (!resume.Known)
            {
                tasks.TryRemove(resume.TaskId, out _);
                continue;
            }

            work.Resend((long)resume.AckedSequence);
        }

        foreach (var work in tasks.Values)
        {
            await FlushAsync(node, work, session.Token);
        }

        var heartbeats = HeartbeatAsync(node, TimeSpan.FromMilliseconds(Math.Max(100, welcome.HeartbeatIntervalMs)), session.Token);
        try
        {
            while (!session.IsCancellationRequested)
            {
                var message = await node.ReadAsync(TimeSpan.FromHours(1));
                switch (message.BodyCase)
                {
                    case HubMessage.BodyOneofCase.Dispatch:
                        await SendAsync(node, new NodeMessage { CommandAck = new CommandAck { CommandId = message.Dispatch.CommandId } }, session.Token);
                        if (tasks.TryAdd(message.Dispatch.TaskId, new RunningWork(message.Dispatch.TaskId)))
                        {
                            _ = RunWorkAsync(node, tasks, tasks[message.Dispatch.TaskId], session.Token);
                        }

                        break;
                    case HubMessage.BodyOneofCase.Cancel:
                        await SendAsync(node, new NodeMessage { CommandAck = new CommandAck { CommandId = message.Cancel.CommandId } }, session.Token);
                        if (tasks.TryGetValue(message.Cancel.TaskId, out var cancelled))
                        {
                            cancelled.Cancel.Cancel();
                        }

                        break;
                    case HubMessage.BodyOneofCase.Ack:
                        if (tasks.TryGetValue(message.Ack.TaskId, out var acked) && acked.Acknowledge((long)message.Ack.Sequence))
                        {
                            tasks.TryRemove(acked.TaskId, out _);
                        }

                        break;
                    case HubMessage.BodyOneofCase.Drain:
                        return;
                }
            }
        }
        finally
        {
            await session.CancelAsync();
            await heartbeats;
        }
    }

    private async Task RunWorkAsync(TestNode node, ConcurrentDictionary<string, RunningWork> tasks, RunningWork work, CancellationToken session)
    {
        try
        {
            work.Add(e => e.Accepted = new TaskAccepted());
            work.Add(e => e.Started = new TaskStarted { Pid = 1 });
            work.StartedAt = DateTimeOffset.UtcNow;
            work.Running = true;
            await FlushAsync(node, work, session);
            var cancelled = false;
            try
            {
                await Task.Delay(_workTime(work.TaskId), work.Cancel.Token);
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
            }

            if (!ReferenceEquals(tasks, _tasks))
            {
                return; // the node crashed meanwhile; this run died with it
            }

            work.Running = false;
            Executions.Enqueue((work.TaskId, work.StartedAt, DateTimeOffset.UtcNow, false));
            work.Add(e => e.Output = new OutputChunk { Stream = OutputStream.Stdout, Data = ByteString.CopyFromUtf8($"ran {work.TaskId} on {NodeId}\n") });
            work.Add(e => e.Result = cancelled
                ? new TaskResult { Outcome = TaskOutcome.Cancelled, ExitCode = -1, Error = "cancelled" }
                : new TaskResult { Outcome = TaskOutcome.Exited, ExitCode = 0 });
            // Through whichever stream is current now (the one that dispatched it may be gone); if none, the next Welcome resends.
            await FlushAsync(_node ?? node, work, CancellationToken.None);
        }
        catch (Exception) when (session.IsCancellationRequested)
        {
            // The stream went away; events are resent after reconnecting.
        }
        catch (Exception ex) when (ex is GrpcStatusException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Same: the next session resends what was not acknowledged.
        }
    }

    /// <summary>Sends what is unsent, in sequence order (taking and sending under one lock, so two flushes never interleave).</summary>
    private async Task FlushAsync(TestNode node, RunningWork work, CancellationToken token)
    {
        await _sendLock.WaitAsync(token);
        try
        {
            foreach (var e in work.TakeUnsent())
            {
                await node.SendAsync(new NodeMessage { TaskEvent = e });
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task HeartbeatAsync(TestNode node, TimeSpan interval, CancellationToken token)
    {
        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(interval, token);
                await SendAsync(node, new NodeMessage { Heartbeat = new Heartbeat { SentAtUnixMs = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, token);
            }
        }
        catch (Exception)
        {
            // The session ends with the stream.
        }
    }

    private async Task SendAsync(TestNode node, NodeMessage message, CancellationToken token)
    {
        await _sendLock.WaitAsync(token);
        try
        {
            await node.SendAsync(message);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _life.Cancel();
        _node?.Abort();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    /// <summary>One task on the node: its events (kept until acknowledged) and what was sent of them.</summary>
    private sealed class RunningWork(string taskId)
    {
        private readonly List<TaskEvent> _events = [];
        private long _acked;

        public string TaskId { get; } = taskId;

        public CancellationTokenSource Cancel { get; } = new();

        public DateTimeOffset StartedAt { get; set; }

        public volatile bool Running;

        public long Sent { get; private set; }

        public void Add(Action<TaskEvent> fill)
        {
            lock (_events)
            {
                var e = new TaskEvent { TaskId = TaskId, Sequence = (ulong)(_events.Count + 1) };
                fill(e);
                _events.Add(e);
            }
        }

        public List<TaskEvent> TakeUnsent()
        {
            lock (_events)
            {
                var unsent = _events.Skip((int)Sent).ToList();
                Sent = _events.Count;
                return unsent;
            }
        }

        public void Resend(long acked)
        {
            lock (_events)
            {
                _acked = Math.Max(_acked, acked);
                Sent = Math.Min(Sent, _acked);
            }
        }

        /// <summary>True when every event, including the result, is acknowledged (the task can be forgotten).</summary>
        public bool Acknowledge(long sequence)
        {
            lock (_events)
            {
                _acked = Math.Max(_acked, sequence);
                return _events.Count > 0 && _events[^1].EventCase == TaskEvent.EventOneofCase.Result && _acked >= _events.Count;
            }
        }
    }
}
