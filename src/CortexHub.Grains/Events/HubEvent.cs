namespace CortexHub.Grains.Events;

/// <summary>
/// One published event. <see cref="Id"/> orders events cluster-wide (the event table's key);
/// <see cref="Source"/> names the grain that published it, and events of one source are delivered
/// in publication order.
/// </summary>
public sealed record HubEvent(long Id, string Kind, string Source, string? NodeId, string? UserId, string? TaskId, string PayloadJson, DateTimeOffset At);
