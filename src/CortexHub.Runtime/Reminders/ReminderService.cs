using System.Threading.Channels;
using CortexHub.Runtime.Hosting;
using CortexHub.Runtime.Membership;
using CortexHub.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Reminders;

/// <summary>
/// Fires due reminders. Every silo runs this loop; each due reminder is leased (SKIP LOCKED on
/// PostgreSQL) to one silo, which calls the grain and then advances the schedule naming the exact
/// lease term. A silo that dies mid-tick leaves a lease that expires (or is released when the silo
/// is declared dead), so the tick fires elsewhere: at least once, and on one silo at a time.
/// </summary>
internal sealed class ReminderService : ISiloDeathHandler, IDisposable
{
    private readonly IReminderStore _store;
    private readonly GrainRuntime _runtime;
    private readonly SiloIdentity _silo;
    private readonly ReminderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReminderService> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IDisposable _subscription;

    public ReminderService(
        IReminderStore store,
        IClusterNotifier notifier,
        GrainRuntime runtime,
        SiloIdentity silo,
        IOptions<ReminderOptions> options,
        TimeProvider time,
        ILogger<ReminderService> logger)
    {
        _store = store;
        _runtime = runtime;
        _silo = silo;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _subscription = notifier.Subscribe(ReminderRegistry.WakeChannel, _ => Wake());
        notifier.Resync += Wake;
    }

    public void Wake() => _wake.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            int fired;
            try
            {
                fired = await RunOnceAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.ReminderLoopFailed(ex, _options.PollInterval);
                fired = 0;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (fired < _options.BatchSize)
            {
                await WaitForWakeAsync(cancellationToken);
            }
        }
    }

    /// <summary>Claims and fires one batch of due reminders; returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var leases = await _store.ReminderClaimDueAsync(
            new ReminderClaimParams(_silo.SiloId, _time.GetUtcNow(), _options.LeaseDuration, _options.BatchSize), cancellationToken);
        await Task.WhenAll(leases.Select(FireAsync));
        return leases.Count;
    }

    private async Task FireAsync(ReminderLease lease)
    {
        var firedAt = _time.GetUtcNow();
        DateTimeOffset? next;
        try
        {
            await _runtime.InvokeReminderAsync(lease.Grain, lease.Name, new ReminderTick(lease.DueAt, firedAt, lease.Period));
            _runtime.Metrics.ReminderFired();
            next = lease.Period is { } period ? NextDueAfter(lease.DueAt, period, _time.GetUtcNow()) : null;
        }
        catch (SiloKilledException)
        {
            return;
        }
        catch (Exception ex)
        {
            // Periodic reminders simply move on to their next due time; a one-shot one is retried later.
            next = lease.Period is { } period ? NextDueAfter(lease.DueAt, period, _time.GetUtcNow()) : _time.GetUtcNow() + _options.FailureRetryDelay;
            _logger.ReminderFailed(ex, lease.Name, lease.Grain, ErrorId.New(), next);
        }

        if (!await _store.ReminderCompleteAsync(lease, next))
        {
            _logger.ReminderTermLost(lease.Name, lease.Grain);
        }
    }

    /// <summary>The first due time strictly after <paramref name="now"/> on the reminder's grid (missed ticks are skipped).</summary>
    public static DateTimeOffset NextDueAfter(DateTimeOffset due, TimeSpan period, DateTimeOffset now)
    {
        if (due > now)
        {
            return due + period;
        }

        var missed = (now - due).Ticks / period.Ticks;
        return due + TimeSpan.FromTicks(period.Ticks * (missed + 1));
    }

    public async Task OnSilosDeadAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken)
    {
        await _store.ReminderReleaseLeasesAsync(siloIds, cancellationToken);
        Wake();
    }

    private async Task WaitForWakeAsync(CancellationToken cancellationToken)
    {
        using var poll = new CancellationTokenSource(_options.PollInterval, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(poll.Token, cancellationToken);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a hint: look anyway.
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public void Dispose() => _subscription.Dispose();
}
