using System.Threading.Channels;
using CortexHub.Grains.Tasks;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Group commit for journal appends: appends from all tasks of this silo that arrive while a write
/// is in flight go out together in the next transaction, so round trips per chunk fall as load
/// rises. Each caller's task completes only when the transaction holding its events committed.
/// The queue is bounded: a full queue makes appenders wait (backpressure up to the node streams).
/// </summary>
internal sealed class JournalGroupCommit : IAsyncDisposable
{
    public const int MaxEventsPerTransaction = 4096;
    private const int QueueCapacity = 1024;

    private readonly Channel<PendingAppend> _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });
    private readonly Func<IReadOnlyList<PendingAppend>, Task> _write;
    private readonly Task _loop;

    public JournalGroupCommit(Func<IReadOnlyList<PendingAppend>, Task> write)
    {
        _write = write;
        _loop = Task.Run(RunAsync);
    }

    public async Task AppendAsync(string taskId, IReadOnlyList<TaskEventRecord> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(taskId, events, now);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Committed.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingAppend>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var events = 0;
            while (events < MaxEventsPerTransaction && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                events += pending.Events.Count;
            }

            try
            {
                await _write(batch);
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                // Every caller in the transaction learns the failure; none of their events is acknowledged.
                foreach (var pending in batch)
                {
                    pending.Committed.TrySetException(ex);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }
}
