namespace CortexHub.Cli.Api.Models;

/// <summary>An RFC 9457 problem as the hub sends it; <see cref="Errors"/> names bad fields (400).</summary>
public sealed record Problem(string? Title, string? Detail, int? Status, string? ErrorId, IReadOnlyDictionary<string, string[]>? Errors);
