namespace CortexHub.Agent.Connection;

/// <summary>The hub broke the node link protocol (for example its first message was not Welcome).</summary>
public sealed class HubProtocolException(string message) : Exception(message);
