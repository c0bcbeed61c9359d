using CortexHub.Grains.Tasks;

namespace CortexHub.Gateway;

/// <summary>A task event read from a node's stream, waiting to become durable.</summary>
internal readonly record struct QueuedEvent(string TaskId, TaskEventRecord Record);
