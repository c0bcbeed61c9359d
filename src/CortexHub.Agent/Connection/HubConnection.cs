using CortexHub.Agent.Logging;
using CortexHub.Agent.Tasks;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace CortexHub.Agent.Connection;

/// <summary>
/// Keeps the node connected: one NodeLink stream at a time, reconnecting after failures with exponential
/// backoff and full jitter (kept short for a while after losing a hub that had answered, see <see cref="Backoff"/>),
/// at once after a Drain, and never after UNAUTHENTICATED.
/// </summary>
/// <remarks>
/// Each attempt uses a new <see cref="GrpcChannel"/> (a new TCP connection), so a load balancer in front of
/// several silos can pick another one after a Drain or a failure; the session disposes it, which closes the
/// connection.
/// </remarks>
public sealed class HubConnection
{
    private readonly AgentOptions _options;
    private readonly TaskRegistry _registry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<Uri, GrpcChannel> _channelFactory;
    private readonly Func<double>? _random;

    /// <summary>Creates the connection loop; nothing connects before <see cref="RunAsync"/>.</summary>
    /// <param name="options">Validated agent settings.</param>
    /// <param name="registry">The node's tasks.</param>
    /// <param name="timeProvider">Clock for backoff, heartbeats and timeouts.</param>
    /// <param name="loggerFactory">Logging.</param>
    /// <param name="channelFactory">
    /// Creates the channel of each attempt (the session disposes it); default <see cref="HubChannelFactory.Create"/>
    /// with <paramref name="options"/>' keep-alive settings.
    /// </param>
    /// <param name="random">Jitter source in [0, 1); default <see cref="Random.Shared"/>.</param>
    public HubConnection(
        AgentOptions options,
        TaskRegistry registry,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        Func<Uri, GrpcChannel>? channelFactory = null,
        Func<double>? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (options.Hub is null)
        {
            throw new ArgumentException("The hub address is required.", nameof(options));
        }

        _options = options;
        _registry = registry;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<HubConnection>();
        _channelFactory = channelFactory ?? (address => HubChannelFactory.Create(address, options));
        _random = random;
    }

    /// <summary>
    /// Connects and reconnects until <paramref name="stoppingToken"/> is cancelled (returns
    /// <see cref="AgentExitCodes.Ok"/>) or the hub rejects the token (returns <see cref="AgentExitCodes.Unauthenticated"/>).
    /// </summary>
    public async Task<int> RunAsync(CancellationToken stoppingToken)
    {
        // Streams that ended cleanly finish closing in the background while the next one starts.
        var closing = new List<Task>();
        try
        {
            return await ConnectLoopAsync(closing, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await Task.WhenAll(closing).ConfigureAwait(false);
        }
    }

    private async Task<int> ConnectLoopAsync(List<Task> closing, CancellationToken stoppingToken)
    {
        var hub = _options.Hub!;
        var backoff = new Backoff(_options.Reconnect, _random, _timeProvider);
        while (!stoppingToken.IsCancellationRequested)
        {
            AgentLog.Connecting(_logger, hub, _options.NodeId, _registry.Count);
            var session = new HubSession(_options, _registry, _channelFactory(hub), _timeProvider, _logger);
            var result = await session.RunAsync(stoppingToken).ConfigureAwait(false);
            closing.RemoveAll(task => task.IsCompleted);
            closing.Add(session.Closed);

            switch (result.End)
            {
                case SessionEnd.Stopped:
                    return AgentExitCodes.Ok;
                case SessionEnd.Unauthenticated:
                    AgentLog.Unauthenticated(_logger, _options.NodeId, result.Detail);
                    return AgentExitCodes.Unauthenticated;
                case SessionEnd.Drained:
                    // The silo is going away, not failing: reconnect at once, and promptly if that fails too (a
                    // single silo restarting).
                    AgentLog.Drained(_logger, result.Detail);
                    backoff.HubLost();
                    continue;
                default:
                    if (result.Welcomed is not null)
                    {
                        // The hub answered this stream: it is most likely restarting, so come back promptly.
                        backoff.HubLost();
                    }

                    var ceiling = backoff.Ceiling;
                    var delay = backoff.NextDelay();
                    AgentLog.ConnectionLost(_logger, result.Detail, delay, ceiling, result.Welcomed is not null);
                    try
                    {
                        await Task.Delay(delay, _timeProvider, stoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return AgentExitCodes.Ok;
                    }

                    break;
            }
        }

        return AgentExitCodes.Ok;
    }
}
