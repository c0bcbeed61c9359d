using CortexHub.Agent.Connection;
using CortexHub.Agent.Logging;
using CortexHub.Agent.Processes;
using CortexHub.Agent.Tasks;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent;

/// <summary>
/// The agent: its tasks and its connection to the hub, and an orderly stop. On stop it kills every running task
/// (each ends CANCELLED), gives the hub <see cref="AgentOptions.ShutdownGrace"/> to acknowledge those last events,
/// then closes the stream.
/// </summary>
public sealed class NodeAgent : IAsyncDisposable
{
    private readonly AgentOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly HubConnection _connection;
    private readonly RunLedger? _ledger;

    /// <summary>Creates the agent from validated <paramref name="options"/>.</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="timeProvider">Clock; default the system clock.</param>
    /// <param name="channelFactory">Creates the channel of each connection attempt; default one built from <paramref name="options"/>.</param>
    public NodeAgent(AgentOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null, Func<Uri, GrpcChannel>? channelFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger<NodeAgent>();
        _ledger = options.StateDirectory is { } stateDirectory ? new RunLedger(stateDirectory) : null;
        Tasks = new TaskRegistry(options.Tasks, _timeProvider, loggerFactory, _ledger);
        _connection = new HubConnection(options, Tasks, _timeProvider, loggerFactory, channelFactory);
    }

    /// <summary>The tasks the node holds.</summary>
    public TaskRegistry Tasks { get; }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled (returns <see cref="AgentExitCodes.Ok"/> after the
    /// tasks were killed) or the hub rejects the token (returns <see cref="AgentExitCodes.Unauthenticated"/>). With a
    /// state directory, first locks it (<see cref="AgentExitCodes.StateDirectoryUnusable"/> when it cannot) and stops
    /// whatever task processes a killed agent left running, before the first Hello.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken stoppingToken)
    {
        AgentLog.AgentStarting(_logger, AgentExecutable.Version, _options.NodeId, _options.Hub!);
        StateDirectoryLock? stateLock = null;
        if (_options.StateDirectory is { } stateDirectory)
        {
            try
            {
                stateLock = StateDirectoryLock.Acquire(stateDirectory);
                _ledger!.Open();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stateLock?.Dispose();
                AgentLog.StateDirectoryUnusable(_logger, ex.Message);
                return AgentExitCodes.StateDirectoryUnusable;
            }
        }

        using (stateLock)
        {
            if (_ledger is not null)
            {
                // The hub reads a Hello without a task as "its run is over" and offers the work again at once.
                try
                {
                    await new SurvivingRuns(_ledger, _options.SurvivorStopGrace, _timeProvider, _logger).StopAllAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return AgentExitCodes.Ok; // stopped before it connected; the next start stops what is left
                }
            }

            return await RunConnectedAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task<int> RunConnectedAsync(CancellationToken stoppingToken)
    {
        using var connectionStop = new CancellationTokenSource();
        var connection = _connection.RunAsync(connectionStop.Token);
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (stoppingToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), stopRequested).ConfigureAwait(false))
        {
            if (await Task.WhenAny(connection, stopRequested.Task).ConfigureAwait(false) == connection)
            {
                // The connection gave up for good (the token was rejected): nobody will hear about the tasks.
                var exitCode = await connection.ConfigureAwait(false);
                await Tasks.DisposeAsync().ConfigureAwait(false);
                return exitCode;
            }
        }

        AgentLog.AgentStopping(_logger, Tasks.RunningCount);
        var startedStopping = _timeProvider.GetTimestamp();
        var tasksStopped = Tasks.StopAllAsync("The agent is stopping.");
        try
        {
            // The connection is still up: give the hub a moment to make the CANCELLED results durable. Bounded,
            // because a task can only finish once its CommandAck is queued, which a stalled stream may prevent.
            await tasksStopped.WaitAsync(_options.ShutdownGrace, _timeProvider).ConfigureAwait(false);
            var left = _options.ShutdownGrace - _timeProvider.GetElapsedTime(startedStopping);
            await Tasks.WaitUntilEmptyAsync(CancellationToken.None)
                .WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            AgentLog.ShutdownGraceExpired(_logger, Tasks.Count, _options.ShutdownGrace);
        }

        await connectionStop.CancelAsync().ConfigureAwait(false);
        await connection.ConfigureAwait(false);

        // Every task was killed; with the stream gone nothing can hold up the end of their runs.
        await tasksStopped.ConfigureAwait(false);
        return AgentExitCodes.Ok;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Tasks.DisposeAsync();
}
