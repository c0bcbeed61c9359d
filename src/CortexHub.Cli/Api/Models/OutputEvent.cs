namespace CortexHub.Cli.Api.Models;

/// <summary>SSE <c>output</c>: a chunk of stdout or stderr, raw (ANSI colours kept).</summary>
public sealed record OutputEvent(long Sequence, string? Stream, string? Text);
