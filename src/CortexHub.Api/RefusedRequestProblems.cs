using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace CortexHub.Api;

/// <summary>
/// Gives the answers Kestrel writes on its own a problem body with an error id, like every other
/// error of the HTTP port. Kestrel refuses some HTTP/1.x requests while parsing them — %00 in the
/// path or another malformed request line or header (400), a request line over its limit (414),
/// headers over theirs (431) — and answers with an empty body before any middleware runs;
/// ASP.NET Core offers no hook to shape that answer.
/// </summary>
/// <remarks>
/// How: Kestrel reports each such refusal on its DiagnosticSource event
/// <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c> before it writes the answer, on the
/// connection's own thread. The connection middleware (<see cref="Wrap"/>, on the HTTP port) gives
/// each connection an output writer that, once its connection is marked refused, holds what Kestrel
/// writes next — the refusal's head and nothing else: Kestrel closes the connection after it — and
/// writes it again with the same status and headers plus a problem document. Anything that is not
/// exactly a bodyless HTTP/1.x head passes through untouched, so the worst case is Kestrel's own answer.
/// </remarks>
public sealed partial class RefusedRequestProblems : IObserver<KeyValuePair<string, object?>>, IDisposable
{
    /// <summary>The DiagnosticSource event Kestrel writes when it refuses a request it is parsing.</summary>
    public const string KestrelBadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    private readonly ConcurrentDictionary<string, ProblemWritingOutput> _connections = new(StringComparer.Ordinal);
    private readonly ILogger<RefusedRequestProblems> _logger;
    private readonly IDisposable _subscription;

    public RefusedRequestProblems(DiagnosticListener listener, ILogger<RefusedRequestProblems> logger)
    {
        _logger = logger;
        _subscription = listener.Subscribe(this, static name => name == KestrelBadRequestEvent);
    }

    /// <summary>The connection middleware: <c>listenOptions.Use(problems.Wrap)</c>, after any TLS, where the bytes are HTTP.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        var output = new ProblemWritingOutput(transport.Output);
        connection.Transport = new DuplexPipe(transport.Input, output);
        _connections[connection.ConnectionId] = output;
        try
        {
            await next(connection);
        }
        finally
        {
            _connections.TryRemove(connection.ConnectionId, out _);
            connection.Transport = transport;
        }
    };

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value is not { Key: KestrelBadRequestEvent, Value: IFeatureCollection features }
            || features.Get<IHttpResponseFeature>() is { HasStarted: true } // a refusal mid-response: Kestrel writes no answer of its own
            || features.Get<IHttpConnectionFeature>()?.ConnectionId is not { } connectionId
            || !_connections.TryGetValue(connectionId, out var output))
        {
            return;
        }

        var errorId = ErrorId.New();
        var reason = features.Get<IBadRequestExceptionFeature>()?.Error?.Message;
        output.AnswerNextHeadWithProblem(errorId, reason);
        LogRefused(connectionId, reason, errorId);
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    public void Dispose() => _subscription.Dispose();

    [LoggerMessage(6101, LogLevel.Debug, "Kestrel refused a request on connection {ConnectionId} before the application: {Reason} (error id {ErrorId})")]
    private partial void LogRefused(string connectionId, string? reason, string errorId);

    /// <summary>The problem document for a refusal Kestrel answered with <paramref name="status"/>.</summary>
    private static byte[] ProblemBody(int status, string errorId, string? reason)
    {
        var title = status switch
        {
            StatusCodes.Status414UriTooLong => "The request target is too long.",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are too large.",
            _ => "The request could not be parsed.",
        };
        var detail = "Refused while reading it, before it reached CortexHub"
            + (string.IsNullOrEmpty(reason) ? "." : $": {(reason.Length > 200 ? reason[..200] + "…" : reason)}");
        return JsonSerializer.SerializeToUtf8Bytes(ApiProblem.Create(status, title, detail, errorId).ProblemDetails);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes every write through, except after <see cref="AnswerNextHeadWithProblem"/>: then it
    /// holds the bytes until the next flush (or completion) and, when they are one bodyless
    /// HTTP/1.x response head, writes that head with a problem body instead.
    /// </summary>
    private sealed class ProblemWritingOutput(PipeWriter inner) : PipeWriter
    {
        private ArrayBufferWriter<byte>? _held;
        private string _errorId = "";
        private string? _reason;

        public void AnswerNextHeadWithProblem(string errorId, string? reason)
        {
            _errorId = errorId;
            _reason = reason;
            _held = new ArrayBufferWriter<byte>(256);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => _held is { } held ? held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _held is { } held ? held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

        public override void Advance(int bytes)
        {
            if (_held is { } held)
            {
                held.Advance(bytes);
            }
            else
            {
                inner.Advance(bytes);
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            WriteHeld();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            WriteHeld();
            inner.Complete(exception);
        }

        public override async ValueTask CompleteAsync(Exception? exception = null)
        {
            WriteHeld();
            await inner.CompleteAsync(exception);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

        private void WriteHeld()
        {
            if (_held is not { } held)
            {
                return;
            }

            _held = null;
            inner.Write(WithProblemBody(held.WrittenSpan, _errorId, _reason) ?? held.WrittenSpan);
        }

        /// <summary>The head again with a problem body, or null when <paramref name="written"/> is anything but one bodyless HTTP/1.x head.</summary>
        private static byte[]? WithProblemBody(ReadOnlySpan<byte> written, string errorId, string? reason)
        {
            var end = written.IndexOf("\r\n\r\n"u8);
            if (!written.StartsWith("HTTP/1."u8) || end < 0 || end + 4 != written.Length || written.Length > 4096)
            {
                return null;
            }

            var lines = Encoding.ASCII.GetString(written[..end]).Split("\r\n");
            if (lines[0].Length < 12 || !int.TryParse(lines[0].AsSpan(9, 3), out var status) || status < 400
                || !lines.Skip(1).Any(l => l.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            var body = ProblemBody(status, errorId, reason);
            var head = new StringBuilder(lines[0]).Append("\r\n");
            foreach (var line in lines.Skip(1).Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
            {
                head.Append(line).Append("\r\n");
            }

            head.Append("Content-Type: application/problem+json\r\n").Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
            return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
        }
    }
}
