using System.Threading.Channels;

namespace CortexHub.Grains.Storage;

/// <summary>
/// Group commit: items from all callers of this silo that arrive while a write is in flight go out
/// together in the next transaction, so round trips per item fall as load rises. Each caller's
/// task completes only when the transaction holding its item committed. The queue is bounded: a
/// full queue makes callers wait (backpressure up to the node streams).
/// </summary>
internal sealed class GroupCommitQueue<T> : IAsyncDisposable where T : IGroupCommitItem
{
    public const int MaxRowsPerTransaction = 4096;
    private const int QueueCapacity = 1024;

    private readonly Channel<T> _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });
    private readonly Func<IReadOnlyList<T>, Task> _write;
    private readonly Task _loop;

    public GroupCommitQueue(Func<IReadOnlyList<T>, Task> write)
    {
        _write = write;
        _loop = Task.Run(RunAsync);
    }

    public async Task CommitAsync(T item, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(item, cancellationToken);
        await item.Committed.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<T>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var rows = 0;
            while (rows < MaxRowsPerTransaction && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                rows += pending.Rows;
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
