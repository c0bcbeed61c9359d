using CortexHub.Runtime.Timers;
using Microsoft.Extensions.Logging;

namespace CortexHub.Runtime.Activation;

/// <summary>A timer tick; runs only if the activation that registered the timer is still the current one.</summary>
internal sealed class TimerWorkItem(GrainTimer timer) : WorkItem
{
    public override async Task ExecuteAsync(ActivationSlot slot)
    {
        var grain = slot.CurrentInstance;
        if (grain is null || timer.IsDisposed || !ReferenceEquals(grain.Context, timer.Owner))
        {
            return;
        }

        try
        {
            await timer.RunAsync();
            await slot.EndTurnAsync(grain, countsAsActivity: false);
        }
        catch (Exception ex)
        {
            // Nobody awaits a timer tick, so this is the one place the error is reported.
            slot.Runtime.Logger.TimerFailed(ex, slot.Id.Type, slot.Id.Key);
            await slot.EndFailedTurnAsync(grain);
        }
    }

    public override void Abandon(Exception reason)
    {
    }
}
