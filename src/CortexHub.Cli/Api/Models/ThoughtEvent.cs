namespace CortexHub.Cli.Api.Models;

/// <summary>SSE <c>thought</c>: an agent's note.</summary>
public sealed record ThoughtEvent(long Sequence, string? Text);
