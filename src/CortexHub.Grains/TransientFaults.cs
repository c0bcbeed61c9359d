using CortexHub.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace CortexHub.Grains;

/// <summary>
/// Failures a later attempt may not meet: storage away (ours, or a database error inside Orleans'
/// storage providers), a silo failing over (unreachable, a message it could not take), a write that
/// lost an ETag race, a call that timed out.
/// </summary>
public static class TransientFaults
{
    public static bool Is(Exception exception) =>
        exception is StorageUnavailableException or System.Data.Common.DbException or SiloUnavailableException
            or OrleansMessageRejectionException or InconsistentStateException or TimeoutException;

    /// <summary>
    /// The exception or the first of its inner exceptions that <see cref="Is"/> transient (Orleans'
    /// storage providers wrap a database error in an <see cref="OrleansException"/>); null when none is.
    /// </summary>
    public static Exception? Cause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (Is(e))
            {
                return e;
            }
        }

        return null;
    }
}
