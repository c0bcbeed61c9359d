using Orleans;

namespace CortexHub.Grains.Tasks;

/// <summary>The latest progress a node reported (fraction negative when unknown).</summary>
[GenerateSerializer, Alias("cortexhub.TaskProgressInfo")]
public sealed record TaskProgressInfo([property: Id(0)] double Fraction, [property: Id(1)] string Message, [property: Id(2)] DateTimeOffset At);
