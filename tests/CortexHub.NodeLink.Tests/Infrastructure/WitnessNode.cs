using System.Diagnostics;

namespace CortexHub.NodeLink.Tests.Infrastructure;

/// <summary>
/// A node connected before the abuse starts that keeps streaming through it: it runs one task and
/// sends an output event every <see cref="Pace"/>, each answered by the hub's Ack once journaled.
/// Tests wait for more acks to prove that other streams were unaffected.
/// </summary>
public sealed class WitnessNode : IAsyncDisposable
{
    /// <summary>Slow enough not to load the journal for minutes of abuse, fast enough to notice a stall.</summary>
    public static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);

    private readonly TestNode _node;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _acked = new(0);
    private readonly Task _loop;
    private long _acks;

    private WitnessNode(TestNode node, string taskId)
    {
        _node = node;
        _loop = Task.Run(() => StreamAsync(taskId));
    }

    /// <summary>Acks received so far.</summary>
    public long Acks => Interlocked.Read(ref _acks);

    /// <summary>
    /// Connects <paramref name="nodeId"/>, has <paramref name="dispatchAsync"/> give it task
    /// <paramref name="taskId"/>, confirms the dispatch and starts streaming.
    /// </summary>
    public static async Task<WitnessNode> StartAsync(Uri grpcAddress, string nodeId, string token, string taskId, Func<Task> dispatchAsync)
    {
        var (node, _) = await TestNode.ConnectAsync(grpcAddress, nodeId, token);
        try
        {
            await dispatchAsync();
            var dispatch = await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch && m.Dispatch.TaskId == taskId, Deadlines.Call);
            await node.SendAsync(new NodeMessage { CommandAck = new CommandAck { CommandId = dispatch.Dispatch.CommandId } });
            await node.SendEventAsync(taskId, 1, e => e.Accepted = new TaskAccepted());
            await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && m.Ack.TaskId == taskId, Deadlines.Call);
            return new WitnessNode(node, taskId);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until <paramref name="count"/> more events than now were acknowledged; fails if the stream broke.</summary>
    public async Task WaitForMoreAcksAsync(int count, TimeSpan? timeout = null)
    {
        var target = Acks + count;
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? Deadlines.Call;
        while (Acks < target)
        {
            if (_loop.IsCompleted)
            {
                await _loop; // rethrows why the witness stopped
                throw new InvalidOperationException("The witness node stopped streaming.");
            }

            var remaining = limit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero || !await _acked.WaitAsync(remaining))
            {
                throw new TimeoutException($"The witness node got {Acks - (target - count)} of {count} acks within {limit}.");
            }
        }
    }

    private async Task StreamAsync(string taskId)
    {
        using var pace = new PeriodicTimer(Pace);
        for (var sequence = 2L; await pace.WaitForNextTickAsync(_stop.Token); sequence++)
        {
            await _node.SendOutputAsync(taskId, sequence, $"witness line {sequence}\n");
            var expected = sequence;
            await _node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && m.Ack.TaskId == taskId && (long)m.Ack.Sequence >= expected, Deadlines.Call);
            Interlocked.Increment(ref _acks);
            _acked.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        await _node.DisposeAsync();
        _stop.Dispose();
        _acked.Dispose();
    }
}
