namespace CortexHub.Runtime.Membership;

/// <summary>
/// Implemented by components that hold leases in storage (reminders, later the work pool and node
/// streams): called once, on one silo, when silos are declared dead or leave, to release their leases.
/// Best effort: a failure leaves the leases to expire on their own.
/// </summary>
public interface ISiloDeathHandler
{
    Task OnSilosDeadAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken);
}
