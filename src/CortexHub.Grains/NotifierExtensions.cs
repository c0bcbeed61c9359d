using CortexHub.Storage;
using Microsoft.Extensions.Logging;

namespace CortexHub.Grains;

public static partial class NotifierExtensions
{
    /// <summary>
    /// Sends a hint without failing the caller: the state it announces is already durable and the
    /// listeners' periodic scans find it anyway, a little later.
    /// </summary>
    public static async Task HintAsync(this IClusterNotifier notifier, ILogger logger, string channel, string payload)
    {
        try
        {
            await notifier.NotifyAsync(channel, payload);
        }
        catch (Exception ex) when (ex is StorageUnavailableException or OperationCanceledException)
        {
            LogHintLost(logger, ex, channel, payload, ErrorId.New());
        }
    }

    [LoggerMessage(4001, LogLevel.Warning, "Hint on {Channel} for {Payload} was not sent (error id {ErrorId}); listeners pick the change up on their next scan")]
    private static partial void LogHintLost(ILogger logger, Exception exception, string channel, string payload, string errorId);
}
