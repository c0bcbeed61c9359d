namespace CortexHub.Grains.Events;

/// <summary>An event before publication (no id yet).</summary>
public sealed record HubEventDraft(string Kind, string Source, string? NodeId, string? UserId, string? TaskId, string PayloadJson);
