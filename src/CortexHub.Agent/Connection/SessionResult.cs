namespace CortexHub.Agent.Connection;

/// <summary>How one stream ended, how long it was welcomed for, and why (for the log).</summary>
/// <param name="End">How it ended.</param>
/// <param name="Welcomed">Time from Welcome to the end; null when no Welcome came (the hub never answered).</param>
/// <param name="Detail">What happened, for the log.</param>
public readonly record struct SessionResult(SessionEnd End, TimeSpan? Welcomed, string Detail);
