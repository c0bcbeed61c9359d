namespace CortexHub.Grains.Tasks;

/// <summary>The latest progress a node reported (fraction negative when unknown).</summary>
public sealed record TaskProgressInfo(double Fraction, string Message, DateTimeOffset At);
