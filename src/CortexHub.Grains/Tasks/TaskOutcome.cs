namespace CortexHub.Grains.Tasks;

public enum TaskOutcome
{
    Exited,
    Failed,
    Cancelled,
    TimedOut,
}
