using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>What to run and where, and (optionally) how much of its output to keep.</summary>
/// <param name="HeadBytes">Overrides <see cref="JournalOptions.HeadBytes"/> for this task (agents tune it to a model's context window).</param>
/// <param name="TailBytes">Overrides <see cref="JournalOptions.TailBytes"/>.</param>
/// <param name="FullLogCapBytes">Overrides <see cref="JournalOptions.FullLogCapBytes"/>.</param>
/// <param name="Pool">Set when the task runs a claimed pool item: its outcome ends that lease.</param>
/// <param name="Terminal">Set for a session: the command (or, when it is empty, the user's login shell) runs on a pseudo-terminal of this size.</param>
/// <param name="Term">TERM for a session's program; null means the node's default, <c>xterm-256color</c>.</param>
/// <param name="StdinOpen">A plain task whose stdin stays open for input until an input with end; otherwise stdin is at end-of-file.</param>
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
    [property: Id(9)] Pool.PoolClaimRef? Pool = null,
    [property: Id(10)] TerminalSize? Terminal = null,
    [property: Id(11)] string? Term = null,
    [property: Id(12)] bool StdinOpen = false)
{
    public const int MaxTermLength = 64;

    /// <summary>A session: run on a pseudo-terminal.</summary>
    public bool IsSession => Terminal is not null;

    /// <summary>Input is taken: a session, or a plain task with stdin kept open.</summary>
    public bool TakesInput => Terminal is not null || StdinOpen;

    /// <summary>True when <paramref name="other"/> asks for the same thing (environment compared by content): a repeat, not a new request.</summary>
    public bool IsSameRequestAs(TaskSpec other) =>
        this with { Environment = null } == other with { Environment = null }
        && (Environment ?? EmptyEnvironment).Count == (other.Environment ?? EmptyEnvironment).Count
        && (Environment ?? EmptyEnvironment).All(e => other.Environment is not null && other.Environment.TryGetValue(e.Key, out var value) && value == e.Value);

    private static readonly IReadOnlyDictionary<string, string> EmptyEnvironment = new Dictionary<string, string>();
}
