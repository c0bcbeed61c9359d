using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>
/// What a task was sent after its dispatch: input bytes so far and the terminal's size. Its own
/// persisted state, written at every keystroke: small, unlike the task state with its buffers.
/// </summary>
[GenerateSerializer, Alias("cortexhub.TaskInputState")]
public sealed record TaskInputState
{
    /// <summary>Input bytes queued for the node so far: the offset of the next input.</summary>
    [Id(0)]
    public long InputBytes { get; init; }

    /// <summary>A plain task's stdin was closed (input with end); no more input is taken.</summary>
    [Id(1)]
    public bool InputEnded { get; init; }

    /// <summary>The terminal's size after the last resize (null: as dispatched).</summary>
    [Id(2)]
    public TerminalSize? Terminal { get; init; }

    /// <summary>Resizes sent so far: the generation of the last one.</summary>
    [Id(3)]
    public long ResizeGeneration { get; init; }
}
