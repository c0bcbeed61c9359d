using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>How a task ended.</summary>
[GenerateSerializer, Alias("cortexhub.TaskResultInfo")]
public sealed record TaskResultInfo([property: Id(0)] int? ExitCode, [property: Id(1)] string? Error, [property: Id(2)] string? PayloadJson);
