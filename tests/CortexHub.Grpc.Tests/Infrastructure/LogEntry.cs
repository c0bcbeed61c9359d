using Microsoft.Extensions.Logging;

namespace CortexHub.Grpc.Tests.Infrastructure;

public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
