using CortexHub.Grains.Events;
using CortexHub.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains.Pool;

/// <summary>The event-bus record of a pool item's change, the same whoever made it (shard grain or outcome batch).</summary>
internal static class PoolItemEvents
{
    /// <summary>Queued, not awaited: callers wait for the row only.</summary>
    public static void Publish(EventHub events, ILogger logger, PoolItem item, string change) =>
        events.PublishInBackground(logger, HubEventKinds.PoolItem, "pool:" + item.ItemId, item.ClaimedBy, item.CreatedBy, item.TaskId, new
        {
            itemId = item.ItemId,
            change,
            state = RelationalPoolStore.StateText(item.State),
            priority = item.Priority,
            attempts = item.Attempts,
            error = item.LastError,
        });
}
