using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>What to run and where, and (optionally) how much of its output to keep.</summary>
/// <param name="HeadBytes">Overrides <see cref="JournalOptions.HeadBytes"/> for this task (agents tune it to a model's context window).</param>
/// <param name="TailBytes">Overrides <see cref="JournalOptions.TailBytes"/>.</param>
/// <param name="FullLogCapBytes">Overrides <see cref="JournalOptions.FullLogCapBytes"/>.</param>
/// <param name="Pool">Set when the task runs a claimed pool item: its outcome ends that lease.</param>
[GenerateSerializer, Alias("cortexhub.TaskSpec")]
public sealed record TaskSpec(
    [property: Id(0)] string NodeId,
    [property: Id(1)] string Command,
    [property: Id(2)] string CreatedBy,
    [property: Id(3)] string? WorkingDirectory = null,
    [property: Id(4)] IReadOnlyDictionary<string, string>? Environment = null,
    [property: Id(5)] TimeSpan? Timeout = null,
    [property: Id(6)] int? HeadBytes = null,
    [property: Id(7)] int? TailBytes = null,
    [property: Id(8)] long? FullLogCapBytes = null,
    [property: Id(9)] Pool.PoolClaimRef? Pool = null)
{
    /// <summary>True when <paramref name="other"/> asks for the same thing (environment compared by content): a repeat, not a new request.</summary>
    public bool IsSameRequestAs(TaskSpec other) =>
        this with { Environment = null } == other with { Environment = null }
        && (Environment ?? EmptyEnvironment).Count == (other.Environment ?? EmptyEnvironment).Count
        && (Environment ?? EmptyEnvironment).All(e => other.Environment is not null && other.Environment.TryGetValue(e.Key, out var value) && value == e.Value);

    private static readonly IReadOnlyDictionary<string, string> EmptyEnvironment = new Dictionary<string, string>();
}
