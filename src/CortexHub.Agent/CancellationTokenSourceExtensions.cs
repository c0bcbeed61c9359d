namespace CortexHub.Agent;

/// <summary>Cancelling from timer callbacks, which can race with the owner's cleanup.</summary>
internal static class CancellationTokenSourceExtensions
{
    /// <summary>Cancels <paramref name="source"/>; does nothing when it was already disposed (its owner is done).</summary>
    public static void TryCancel(this CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The owner finished and cleaned up between the timer firing and this call: nothing left to cancel.
        }
    }
}
