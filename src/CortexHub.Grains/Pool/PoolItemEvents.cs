using CortexHub.Grains.Events;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains.Pool;

/// <summary>The event-bus record of a pool item's change, the same whoever made it (shard grain or outcome batch).</summary>
internal static class PoolItemEvents
{
    /// <summary>
    /// Completes once the event is stored. Callers await it before answering, so a change they
    /// acknowledge has its event in the log even if the silo dies right after (a queued event dies with
    /// it). A storage failure is logged, not thrown: the row is already written and readers see it.
    /// </summary>
    public static Task PublishAsync(EventHub events, ILogger logger, PoolItem item, string change) =>
        events.PublishBestEffortAsync(logger, HubEventKinds.PoolItem, "pool:" + item.ItemId, item.ClaimedBy, item.CreatedBy, item.TaskId, new
        {
            itemId = item.ItemId,
            change,
            state = RelationalPoolStore.StateText(item.State),
            priority = item.Priority,
            attempts = item.Attempts,
            error = item.LastError,
        });
}
