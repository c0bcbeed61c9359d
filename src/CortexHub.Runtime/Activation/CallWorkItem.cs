using Microsoft.Extensions.Logging;

namespace CortexHub.Runtime.Activation;

/// <summary>
/// A grain call. A version conflict raised for this very grain drops the activation, which reloads
/// its state, and the call runs again, up to the configured number of attempts.
/// </summary>
internal sealed class CallWorkItem<T>(Func<Grain, Task<T>> call) : WorkItem
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override async Task ExecuteAsync(ActivationSlot slot)
    {
        for (var attempt = 1; ; attempt++)
        {
            Grain grain;
            try
            {
                grain = await slot.EnsureActiveAsync();
            }
            catch (Exception ex)
            {
                // Activation failed (corrupt state, storage down): this caller learns why, the slot
                // stays empty and the next call tries to activate again.
                _completion.TrySetException(ex);
                return;
            }

            try
            {
                var result = await call(grain);
                await slot.EndTurnAsync(grain);
                _completion.TrySetResult(result);
                return;
            }
            catch (GrainVersionConflictException conflict) when (slot.IsOwnConflict(conflict) && attempt < slot.Runtime.Options.MaxConflictAttempts)
            {
                slot.Runtime.Metrics.ConflictDetected();
                slot.Runtime.Logger.ConflictRetrying(slot.Id.Type, slot.Id.Key, conflict.ExpectedVersion, conflict.ActualVersion, attempt);
                slot.DropActivation();
                await slot.Runtime.ConflictBackoffAsync(attempt);
            }
            catch (Exception ex)
            {
                await slot.EndFailedTurnAsync(grain);
                _completion.TrySetException(ex);
                return;
            }
        }
    }

    public override void Abandon(Exception reason) => _completion.TrySetException(reason);
}
