namespace CortexHub.Cli.Api.Models;

/// <summary>A task's latest progress: a fraction done (0 to 1, negative when unknown), a message, and when it came.</summary>
public sealed record TaskProgressInfo(double Fraction, string? Message, DateTimeOffset? At);
