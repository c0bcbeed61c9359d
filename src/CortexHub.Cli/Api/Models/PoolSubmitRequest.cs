namespace CortexHub.Cli.Api.Models;

/// <summary>POST /api/v1/pool/items body.</summary>
public sealed record PoolSubmitRequest(
    string Command, int? Priority, IReadOnlyDictionary<string, string>? RequiredLabels, string? IdempotencyKey, int? MaxAttempts, double? TimeoutSeconds);
