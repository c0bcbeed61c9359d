using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Grpc;

/// <summary>What every call handler shares: options, logger and clock.</summary>
internal sealed class GrpcServerRuntime(IOptions<GrpcServerOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
{
    public const string LoggerName = "CortexHub.Grpc.Server";

    public GrpcServerOptions Options { get; } = options.Value;

    public ILogger Logger { get; } = loggerFactory.CreateLogger(LoggerName);

    public TimeProvider TimeProvider { get; } = timeProvider;
}
