namespace CortexHub.Cli.Api.Models;

/// <summary>SSE <c>progress</c>: a fraction done (0 to 1) and a message.</summary>
public sealed record ProgressEvent(long Sequence, double Fraction, string? Message);
