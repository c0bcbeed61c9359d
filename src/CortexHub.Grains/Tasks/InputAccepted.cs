using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>Input taken for a task: <paramref name="Offset"/> is the position of its first byte in the task's input stream.</summary>
[GenerateSerializer, Alias("cortexhub.InputAccepted")]
public sealed record InputAccepted([property: Id(0)] long Offset, [property: Id(1)] int Bytes);
