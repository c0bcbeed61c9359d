namespace CortexHub.Cli.Api;

/// <summary>One Server-Sent Event: its id (the task's event sequence), its kind and its data (JSON for the task streams).</summary>
public sealed record SseEvent(string? Id, string Event, string Data);
