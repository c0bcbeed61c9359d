namespace CortexHub.Grains.Tasks;

/// <summary>The body of a result event (stored as JSON in the journal).</summary>
public sealed record TaskOutcomeEvent(TaskOutcome Outcome, int ExitCode, string? Error, string? PayloadJson);
