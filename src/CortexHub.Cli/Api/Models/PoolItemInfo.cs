namespace CortexHub.Cli.Api.Models;

/// <summary>A work-pool item; state is available, claimed, done, dead or cancelled.</summary>
public sealed record PoolItemInfo(
    string ItemId,
    long Seq,
    string? State,
    int Priority,
    IReadOnlyDictionary<string, string>? RequiredLabels,
    PoolWorkInfo? Work,
    string? IdempotencyKey,
    int MaxAttempts,
    int Attempts,
    string? ClaimedBy,
    string? TaskId,
    string? LastError,
    int? ExitCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);
