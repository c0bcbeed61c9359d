namespace CortexHub.Grains.Tasks;

/// <summary>What to run and where, and (optionally) how much of its output to keep.</summary>
/// <param name="HeadBytes">Overrides <see cref="JournalOptions.HeadBytes"/> for this task (agents tune it to a model's context window).</param>
/// <param name="TailBytes">Overrides <see cref="JournalOptions.TailBytes"/>.</param>
/// <param name="FullLogCapBytes">Overrides <see cref="JournalOptions.FullLogCapBytes"/>.</param>
/// <param name="Pool">Set when the task runs a claimed pool item: its outcome ends that lease.</param>
public sealed record TaskSpec(
    string NodeId,
    string Command,
    string CreatedBy,
    string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null,
    TimeSpan? Timeout = null,
    int? HeadBytes = null,
    int? TailBytes = null,
    long? FullLogCapBytes = null,
    Pool.PoolClaimRef? Pool = null);
