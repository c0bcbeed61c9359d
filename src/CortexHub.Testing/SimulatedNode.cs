using System.Collections.Concurrent;
using CortexHub.Protocol.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CortexHub.Testing;

/// <summary>
/// A simulated node that takes work-pool items over the real node link: Hello with pool slots,
/// runs each dispatched task as a short delay, reports accepted/started/output/result with
/// sequence numbers, keeps unacknowledged events across reconnects and resends them from the
/// sequence Welcome names, heartbeats, and moves to the next silo address when its stream dies.
/// <see cref="Crash"/> simulates the node process dying (running work and unsent events are lost).
/// Every execution is recorded so tests can check that no item ran on two nodes at once.
/// </summary>
public sealed class SimulatedNode : IAsyncDisposable
{
    private readonly string _token;
    private readonly IReadOnlyList<Uri> _silos;
    private readonly int _slots;
    private readonly Func<string, TimeSpan> _workTime;
    private readonly IReadOnlyDictionary<string, string> _labels;
    private readonly int _outputChunks;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ConcurrentDictionary<string, RunningWork> _tasks = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, byte> _commandIds = new(StringComparer.Ordinal); // like the agent: a redelivered command is only acknowledged
    private CancellationTokenSource _life = new();
    private TestNode? _node;
    private TestNode? _welcomed; // the current stream once its Welcome was handled: where events go
    private Task? _loop;
    private int _siloIndex;

    /// <param name="workTime">How long a task runs (by task id).</param>
    /// <param name="outputChunks">Output chunks a task writes, spread evenly over its run (see <see cref="ExpectedOutput"/>).</param>
    public SimulatedNode(string nodeId, string token, IReadOnlyList<Uri> silos, int slots, Func<string, TimeSpan>? workTime = null,
        IReadOnlyDictionary<string, string>? labels = null, int firstSilo = 0, int outputChunks = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputChunks, 1);
        NodeId = nodeId;
        _token = token;
        _silos = silos;
        _slots = slots;
        _workTime = workTime ?? (_ => TimeSpan.FromMilliseconds(2));
        _labels = labels ?? new Dictionary<string, string>();
        _siloIndex = firstSilo;
        _outputChunks = outputChunks;
    }

    public string NodeId { get; }

    /// <summary>Every run of a task on this node: task id, start, end (end is the crash time for crashed runs).</summary>
    public ConcurrentQueue<(string TaskId, DateTimeOffset Start, DateTimeOffset End, bool Crashed)> Executions { get; } = new();

    /// <summary>Streams opened (1 + reconnects).</summary>
    public int Connections;

    /// <summary>Why the last stream ended (for test failure messages).</summary>
    public string? LastError { get; private set; }

    /// <summary>Why the first stream that failed ended (for reports: what moved the node).</summary>
    public string? FirstError { get; private set; }

    /// <summary>The silo that welcomed the latest stream (Welcome.silo_id).</summary>
    public string? SiloId { get; private set; }

    /// <summary>When the latest stream received its Welcome (the node is attached again).</summary>
    public DateTimeOffset LastWelcomeAt { get; private set; }

    /// <summary>When the node opened the stream that got the latest Welcome (its Hello went out then).</summary>
    public DateTimeOffset LastWelcomedHelloAt { get; private set; }

    /// <summary>When the node last saw a stream fail (the client's side of a silo's death).</summary>
    public DateTimeOffset LastFailureAt { get; private set; }

    /// <summary>Highest acknowledged sequence per task: what the hub promised to keep.</summary>
    public ConcurrentDictionary<string, long> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>The stdout a task run by this kind of node writes in total.</summary>
    public static string ExpectedOutput(string taskId, int outputChunks) =>
        string.Concat(Enumerable.Range(1, outputChunks).Select(k => OutputChunk(taskId, k, outputChunks)));

    private static string OutputChunk(string taskId, int chunk, int chunks) => $"{taskId} {chunk}/{chunks}\n";

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>The node process dies: its stream drops, running work stops, everything not yet sent is gone. It restarts at once.</summary>
    public void Crash()
    {
        var old = Interlocked.Exchange(ref _tasks, new ConcurrentDictionary<string, RunningWork>(StringComparer.Ordinal));
        _commandIds = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
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
        var consecutiveFailures = 0;
        while (!stop.IsCancellationRequested)
        {
            var life = _life;
            var attemptStarted = DateTimeOffset.UtcNow;
            try
            {
                await SessionAsync(_silos[_siloIndex % _silos.Count], life.Token);
            }
            catch (Exception ex)
            {
                // Stream failed (silo died, crash, drain) or the node is stopping: try the next silo, or end.
                LastFailureAt = DateTimeOffset.UtcNow;
                LastError = $"{LastFailureAt:HH:mm:ss.fff} {ex.GetType().Name}: {ex.Message}";
                FirstError ??= LastError;
            }

            _node?.Abort();
            _siloIndex++;
            // Like an agent: retry soon after a stream that worked, back off (with jitter) while none does.
            var failures = LastWelcomeAt > attemptStarted ? 0 : Math.Min(++consecutiveFailures, 5);
            consecutiveFailures = failures;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * (1 << failures) * (0.5 + Random.Shared.NextDouble())), stop);
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

        var helloAt = DateTimeOffset.UtcNow;
        var node = _node = await TestNode.OpenAsync(silo, hello);
        Interlocked.Increment(ref Connections);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(life, _stop.Token);
        var first = await node.ReadAsync(TimeSpan.FromSeconds(30));
        if (first.BodyCase != HubMessage.BodyOneofCase.Welcome)
        {
            throw new InvalidOperationException($"Expected Welcome, got {first.BodyCase}.");
        }

        var welcome = first.Welcome;
        LastWelcomeAt = DateTimeOffset.UtcNow;
        LastWelcomedHelloAt = helloAt;
        SiloId = welcome.SiloId;
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

        _welcomed = node;
        foreach (var work in tasks.Values)
        {
            await FlushAsync(work, session.Token);
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
                        if (_commandIds.TryAdd(message.Dispatch.CommandId, 0) && tasks.TryAdd(message.Dispatch.TaskId, new RunningWork(message.Dispatch.TaskId)))
                        {
                            _ = RunWorkAsync(tasks, tasks[message.Dispatch.TaskId], life);
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
                        Acknowledged.AddOrUpdate(message.Ack.TaskId, (long)message.Ack.Sequence, (_, old) => Math.Max(old, (long)message.Ack.Sequence));
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
            Interlocked.CompareExchange(ref _welcomed, null, node);
            await session.CancelAsync();
            node.Abort(); // a send stuck on a dead stream's flow control ends now, not never
            await heartbeats;
        }
    }

    /// <summary>
    /// Runs one task like an agent runs a process: it goes on while streams come and go (only a
    /// crash of the node ends it), writing its output chunks over its run time. Each event is sent
    /// on whichever stream is current; what a dead stream swallowed is resent after the next Welcome.
    /// </summary>
    private async Task RunWorkAsync(ConcurrentDictionary<string, RunningWork> tasks, RunningWork work, CancellationToken life)
    {
        try
        {
            work.Add(e => e.Accepted = new TaskAccepted());
            work.Add(e => e.Started = new TaskStarted { Pid = 1 });
            work.StartedAt = DateTimeOffset.UtcNow;
            work.Running = true;
            await FlushAsync(work, life);
            var cancelled = false;
            var slice = _workTime(work.TaskId) / _outputChunks;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(work.Cancel.Token, life);
            for (var chunk = 1; chunk <= _outputChunks; chunk++)
            {
                try
                {
                    await Task.Delay(slice, stop.Token);
                }
                catch (OperationCanceledException) when (!life.IsCancellationRequested)
                {
                    cancelled = true;
                }

                if (!ReferenceEquals(tasks, _tasks))
                {
                    return; // the node crashed meanwhile; this run died with it
                }

                if (cancelled || chunk == _outputChunks)
                {
                    work.Running = false;
                    Executions.Enqueue((work.TaskId, work.StartedAt, DateTimeOffset.UtcNow, false));
                }

                if (cancelled)
                {
                    break;
                }

                var text = _outputChunks > 1 ? OutputChunk(work.TaskId, chunk, _outputChunks) : $"ran {work.TaskId} on {NodeId}\n";
                work.Add(e => e.Output = new OutputChunk { Stream = OutputStream.Stdout, Data = ByteString.CopyFromUtf8(text) });
                if (chunk < _outputChunks)
                {
                    await FlushAsync(work, life);
                }
            }

            work.Add(e => e.Result = cancelled
                ? new TaskResult { Outcome = TaskOutcome.Cancelled, ExitCode = -1, Error = "cancelled" }
                : new TaskResult { Outcome = TaskOutcome.Exited, ExitCode = 0 });
            await FlushAsync(work, life);
        }
        catch (OperationCanceledException) when (life.IsCancellationRequested)
        {
            // The node crashed: the run is gone.
        }
    }

    /// <summary>
    /// Sends what is unsent on the current stream, in sequence order (taking and sending under one
    /// lock, so two flushes never interleave). A failed send leaves the rest unsent: the next
    /// session's Welcome says from where to resend.
    /// </summary>
    private async Task FlushAsync(RunningWork work, CancellationToken token)
    {
        await _sendLock.WaitAsync(token);
        try
        {
            if (_welcomed is not { } node)
            {
                return; // no stream now: the next Welcome says what to resend
            }

            foreach (var e in work.TakeUnsent())
            {
                try
                {
                    await node.SendAsync(new NodeMessage { TaskEvent = e });
                }
                catch (Exception ex) when (ex is RpcException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
                {
                    work.Unsend((long)e.Sequence - 1);
                    return;
                }
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

        /// <summary>Events after <paramref name="sent"/> count as unsent again (their send failed).</summary>
        public void Unsend(long sent)
        {
            lock (_events)
            {
                Sent = Math.Min(Sent, sent);
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
