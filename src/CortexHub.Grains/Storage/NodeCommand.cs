namespace CortexHub.Grains.Storage;

/// <summary>A queued command: its id and the serialized HubMessage to send.</summary>
public sealed record NodeCommand(string CommandId, byte[] Payload);
