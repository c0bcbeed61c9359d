using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using CortexHub.Grains;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace CortexHub.Hosting.Cluster;

/// <summary>
/// Retries calls to <see cref="IdempotentAttribute">idempotent</see> grain methods across the
/// window between a silo's crash and its death declaration, when calls to the grains it held fail
/// with <see cref="SiloUnavailableException"/> or <see cref="OrleansMessageRejectionException"/>. Once the silo is declared dead Orleans activates the
/// grain elsewhere and the retry gets through: a waiting retry wakes on each silo status change
/// Orleans reports (<see cref="ISiloStatusListener"/>) and retries every 100 ms for a few seconds
/// after one, else backs off from 100 ms to 1 s. Other methods fail at once, as Orleans makes them.
/// </summary>
internal sealed partial class FailoverRetryFilter : IOutgoingGrainCallFilter, ISiloStatusListener
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(1);

    /// <summary>How long after a silo status change retries stay at the first backoff.</summary>
    private static readonly TimeSpan SettlingTime = TimeSpan.FromSeconds(3);

    /// <summary>Whether each interface method carries the attribute, looked up once per method rather than on every call.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, bool> Idempotent = new();

    private readonly Settings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<FailoverRetryFilter> _logger;
    private TaskCompletionSource _nextChange = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastChange;

    public FailoverRetryFilter(Settings settings, ISiloStatusOracle silos, TimeProvider time, ILogger<FailoverRetryFilter> logger)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _lastChange = time.GetTimestamp();
        silos.SubscribeToSiloStatusEvents(this);
    }

    public sealed record Settings(TimeSpan Timeout);

    /// <summary>A silo changed status (here: usually declared dead), so grains it held can be activated elsewhere now.</summary>
    void ISiloStatusListener.SiloStatusChangeNotification(SiloAddress updatedSilo, SiloStatus status)
    {
        Interlocked.Exchange(ref _lastChange, _time.GetTimestamp());
        Interlocked.Exchange(ref _nextChange, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private static bool IsIdempotent(MethodInfo method) =>
        Idempotent.GetOrAdd(method, static m => m.GetCustomAttribute<IdempotentAttribute>() is not null);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (_settings.Timeout <= TimeSpan.Zero || context.InterfaceMethod is not { } method || !IsIdempotent(method))
        {
            await context.Invoke();
            return;
        }

        var started = _time.GetTimestamp();
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception exception) when (IsUnreachable(exception))
            {
                failure = exception;
            }

            if (failure is null || !IsUnreachable(failure) || _time.GetElapsedTime(started) + backoff > _settings.Timeout)
            {
                if (failure is not null && attempt > 1)
                {
                    LogGaveUp(_logger, context.InterfaceName, context.MethodName, context.TargetId, attempt, failure.Message);
                }
                else if (attempt > 1)
                {
                    LogRecovered(_logger, context.InterfaceName, context.MethodName, context.TargetId, attempt, _time.GetElapsedTime(started).TotalMilliseconds);
                }

                if (failure is not null && !ReferenceEquals(failure, context.Response?.Exception))
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                return;
            }

            // Wake early when membership changes: the silo was just declared dead, so the grain can
            // be activated elsewhere now, not a backoff later. Right after a change, while the dead
            // silo's directory entries are still being handed over, retry briskly rather than back off.
            var change = Volatile.Read(ref _nextChange).Task;
            await Task.WhenAny(change, Task.Delay(backoff, _time));
            backoff = change.IsCompleted || _time.GetElapsedTime(Interlocked.Read(ref _lastChange)) < SettlingTime
                ? FirstBackoff
                : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, LongestBackoff.Ticks));
        }
    }

    /// <summary>
    /// The target silo did not take the call: it is unreachable (connection refused or lost), the
    /// message to it was rejected (it is shutting down, or is known dead and the grain not yet placed
    /// again), or it was killed mid-call (the TestCluster's crash emulation, <see cref="SiloKilledException"/>).
    /// </summary>
    private static bool IsUnreachable(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or SiloKilledException;

    [LoggerMessage(EventId = 4450, Level = LogLevel.Information,
        Message = "{Interface}.{Method} on {Grain} answered after {Attempts} attempts ({ElapsedMs:F0} ms): its silo had become unreachable")]
    private static partial void LogRecovered(ILogger logger, string @interface, string method, Orleans.Runtime.GrainId grain, int attempts, double elapsedMs);

    [LoggerMessage(EventId = 4451, Level = LogLevel.Warning,
        Message = "{Interface}.{Method} on {Grain} failed after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, string @interface, string method, Orleans.Runtime.GrainId grain, int attempts, string error);
}
