using CortexHub.Runtime.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace CortexHub.Grains;

/// <summary>Failures a later attempt may not meet: storage away, a silo failing over, a write that lost an ETag race.</summary>
public static class TransientFaults
{
    public static bool Is(Exception exception) =>
        exception is StorageUnavailableException or SiloUnavailableException or InconsistentStateException or TimeoutException;
}
