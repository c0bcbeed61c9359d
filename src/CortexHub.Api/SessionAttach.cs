using System.Net.WebSockets;
using System.Text.Json;
using CortexHub.Grains;
using CortexHub.Grains.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CortexHub.Api;

/// <summary>
/// <c>GET /api/v1/sessions/{id}/attach[?after=N]</c>, a WebSocket onto a session. The hub sends an
/// <c>attached</c> text frame naming the byte offset of the first output byte that follows, then the
/// terminal's output as binary frames in order, and an <c>exit</c> frame once the program ended; the
/// client sends input as binary frames and <c>resize</c> / <c>close</c> as text frames. Closing the
/// socket only detaches. Authentication: the bearer header, or (browsers cannot set it) a first text
/// frame <c>{"type":"auth","token":…}</c> within <see cref="AuthTimeout"/>.
/// </summary>
/// <remarks>
/// Memory per socket is bounded: output is read from the session's retained window a slice at a time,
/// only when the previous one was sent. A client that stops reading is dropped: when a send has not
/// gone out after <see cref="SendTimeout"/>, or when the output moved past the retained window before
/// the client took it (it reattaches with <c>after</c> and sees what is still kept).
/// </remarks>
internal sealed partial class SessionAttach
{
    public static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Output a new viewer is shown when it gives no <c>after</c>: enough to paint the current screen.</summary>
    public const int ReplayBytes = 64 * 1024;

    /// <summary>Largest binary frame sent, and largest client frame taken.</summary>
    private const int FrameBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebSocket _socket;
    private readonly string _sessionId;
    private readonly Orleans.IGrainFactory _grains;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sending = new(1, 1);

    private SessionAttach(WebSocket socket, string sessionId, Orleans.IGrainFactory grains, ILogger logger)
    {
        _socket = socket;
        _sessionId = sessionId;
        _grains = grains;
        _logger = logger;
    }

    private ITaskGrain Session => _grains.GetGrain<ITaskGrain>(_sessionId);

    public static async Task<IResult> AttachAsync(
        string id, long? after, HttpContext http, Orleans.IGrainFactory grains, TaskFollower follower, ApiAuthentication authentication, ILoggerFactory loggers)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, "This route is a WebSocket.", "Open it with a WebSocket upgrade request.");
        }

        if (after is < 0)
        {
            return ApiProblem.Field("after", "Must be 0 or more.");
        }

        var stopping = http.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var attach = new SessionAttach(socket, id, grains, loggers.CreateLogger<SessionAttach>());
        try
        {
            await attach.RunAsync(http, after, follower, authentication, stopping, http.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            LogDetached(attach._logger, id, ex.GetType().Name);
        }

        return Results.Empty;
    }

    private async Task RunAsync(HttpContext http, long? after, TaskFollower follower, ApiAuthentication authentication, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var caller = http.Items[typeof(ApiCaller)] as ApiCaller ?? await AuthenticateAsync(authentication, cancellationToken);
        if (caller is null)
        {
            await RefuseAsync(StatusCodes.Status401Unauthorized, "Authentication required.",
                "Send the API key as the first frame: {\"type\":\"auth\",\"token\":\"chk.…\"}.", WebSocketCloseStatus.PolicyViolation, cancellationToken);
            return;
        }

        if (await SessionsApi.FindAsync(_grains, caller, _sessionId) is not { } session)
        {
            await RefuseAsync(StatusCodes.Status404NotFound, $"Session '{_sessionId}' was not found.", null, WebSocketCloseStatus.PolicyViolation, cancellationToken);
            return;
        }

        // Where the binary frames start: `after` while still kept, else the oldest kept byte; a new
        // viewer gets the latest ReplayBytes, enough to paint the screen as it is.
        var probe = await Session.ReadOutputAsync(after ?? long.MaxValue, 0);
        var start = after is null ? Math.Max(probe.RetainedFrom, probe.TotalBytes - ReplayBytes) : probe.Offset;
        await SendTextAsync(new { type = "attached", session = SessionsApi.SessionView.Of(session), offset = start }, cancellationToken);

        using var pumping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var output = PumpOutputAsync(follower, start, stopping, pumping.Token);
        var input = ReceiveInputAsync(receiving.Token);

        // A pending receive cannot be cancelled without aborting the socket, so the pump ending (the
        // session is over, the hub stops) sends its close and lets the client's answer end the receive.
        if (await Task.WhenAny(output, input) == output && output.IsCompletedSuccessfully && await output is { } how)
        {
            await CloseOutputAsync(how, cancellationToken);
            receiving.CancelAfter(AuthTimeout);
            await ((Task)input).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }

        await pumping.CancelAsync();
        await receiving.CancelAsync();
        await ((Task)Task.WhenAll(output, input)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if ((output.IsFaulted ? output : input) is { IsFaulted: true } failed)
        {
            await FailAsync(failed.Exception!.GetBaseException(), cancellationToken);
        }
        else if (input.IsCompletedSuccessfully)
        {
            // The client closed (detach: the session goes on), or sent what ends the socket.
            await CloseOutputAsync(await input ?? (WebSocketCloseStatus.NormalClosure, "Detached; the session goes on."), cancellationToken);
        }
    }

    private async Task CloseOutputAsync((WebSocketCloseStatus Status, string Reason) close, CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        await _sending.WaitAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SendTimeout);
            await _socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Output as binary frames until the session ended (then the exit frame); returns how to close.</summary>
    private async Task<(WebSocketCloseStatus, string)?> PumpOutputAsync(TaskFollower follower, long offset, CancellationToken stopping, CancellationToken cancellationToken)
    {
        try
        {
            return await PumpOutputUntilEndAsync(follower, offset, cancellationToken);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return (WebSocketCloseStatus.EndpointUnavailable, "The hub is stopping; reattach with after=<your offset>.");
        }
    }

    private async Task<(WebSocketCloseStatus, string)?> PumpOutputUntilEndAsync(TaskFollower follower, long offset, CancellationToken cancellationToken)
    {
        await foreach (var slice in follower.FollowOutputAsync(_sessionId, offset, FrameBytes, cancellationToken))
        {
            if (slice.Offset != offset)
            {
                LogTooSlow(_logger, _sessionId, offset, slice.Offset);
                return (WebSocketCloseStatus.PolicyViolation,
                    $"Too slow: output up to byte {slice.Offset} is no longer kept and was not read; reattach with after={offset}.");
            }

            await SendAsync(slice.Data, WebSocketMessageType.Binary, cancellationToken);
            offset += slice.Data.Length;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var ended = await Session.GetAsync();
        await SendTextAsync(new { type = "exit", state = SessionsApi.StateName(ended.State), exitCode = ended.Result?.ExitCode, outcome = SessionsApi.OutcomeName(ended) },
            cancellationToken);
        return (WebSocketCloseStatus.NormalClosure, "The session ended.");
    }

    /// <summary>Input, resizes and close requests until the client detaches; returns how to close (null: the client closed).</summary>
    private async Task<(WebSocketCloseStatus, string)?> ReceiveInputAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[FrameBytes];
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer, cancellationToken);
            switch (received.MessageType)
            {
                case WebSocketMessageType.Close:
                    return null;
                case WebSocketMessageType.Binary:
                    // A fragment is input as it comes: order is kept, and no message is held whole.
                    await AnswerRefusalAsync(() => Session.SendInputAsync(buffer[..received.Count], false), cancellationToken);
                    break;
                case WebSocketMessageType.Text:
                    if (!received.EndOfMessage)
                    {
                        return (WebSocketCloseStatus.MessageTooBig, $"Text frames are at most {FrameBytes} bytes.");
                    }

                    if (await ControlAsync(buffer.AsMemory(0, received.Count), cancellationToken) is { } close)
                    {
                        return close;
                    }

                    break;
            }
        }
    }

    /// <summary>A control frame: resize, close (ends the session, as DELETE), auth (already done: ignored).</summary>
    private async Task<(WebSocketCloseStatus, string)?> ControlAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        ControlFrame? control;
        try
        {
            control = JsonSerializer.Deserialize<ControlFrame>(frame.Span, Json);
        }
        catch (JsonException ex)
        {
            await SendErrorAsync(StatusCodes.Status400BadRequest, "The frame is not valid JSON.", ex.Message, ErrorId.New(), cancellationToken);
            return null;
        }

        switch (control?.Type)
        {
            case "resize":
                await AnswerRefusalAsync(() => Session.ResizeAsync(control.Columns ?? 0, control.Rows ?? 0), cancellationToken);
                break;
            case "close":
                await AnswerRefusalAsync(() => Session.CancelAsync("session closed by its opener"), cancellationToken);
                break;
            case "auth":
                break;
            default:
                await SendErrorAsync(StatusCodes.Status400BadRequest, "Unknown frame type.", "Text frames are {\"type\":\"resize\",\"columns\":C,\"rows\":R} or {\"type\":\"close\"}.",
                    ErrorId.New(), cancellationToken);
                break;
        }

        return null;
    }

    /// <summary>Runs a session call; a refusal (bad size, session over) is told to the client, which stays attached.</summary>
    private async Task AnswerRefusalAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call();
        }
        catch (InvalidRequestException ex)
        {
            await SendErrorAsync(StatusCodes.Status400BadRequest, "The request is invalid.", ex.Message, ErrorId.New(), cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            await SendErrorAsync(StatusCodes.Status409Conflict, "Conflict.", ex.Message, ErrorId.New(), cancellationToken);
        }
    }

    private async Task<ApiCaller?> AuthenticateAsync(ApiAuthentication authentication, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AuthTimeout);
        var buffer = new byte[4096];
        try
        {
            var received = await _socket.ReceiveAsync(buffer, timeout.Token);
            if (received.MessageType != WebSocketMessageType.Text || !received.EndOfMessage)
            {
                return null;
            }

            var frame = JsonSerializer.Deserialize<ControlFrame>(buffer.AsSpan(0, received.Count), Json);
            return frame is { Type: "auth", Token: { } token } ? await authentication.AuthenticateCallerAsync(token) : null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // no frame within the time allowed
        }
    }

    private async Task RefuseAsync(int status, string title, string? detail, WebSocketCloseStatus close, CancellationToken cancellationToken)
    {
        await SendErrorAsync(status, title, detail, ErrorId.New(), cancellationToken);
        using var timeout = new CancellationTokenSource(SendTimeout);
        await _socket.CloseAsync(close, title, timeout.Token);
    }

    /// <summary>A fault of the hub (storage down, a silo failing over): told with an error id, logged, then close 1011.</summary>
    private async Task FailAsync(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException or WebSocketException or IOException)
        {
            LogDetached(_logger, _sessionId, exception.GetType().Name);
            return;
        }

        var errorId = ErrorId.New();
        LogFailed(_logger, exception, _sessionId, errorId);
        var unavailable = exception is StorageUnavailableException or Orleans.Runtime.SiloUnavailableException or TimeoutException;
        await SendErrorAsync(unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
            unavailable ? "The hub is unavailable; reattach shortly." : "Internal error.", $"Quote error id {errorId} when reporting this.", errorId, cancellationToken);
        using var timeout = new CancellationTokenSource(SendTimeout);
        await _socket.CloseAsync(WebSocketCloseStatus.InternalServerError, "Hub error " + errorId, timeout.Token);
    }

    private Task SendErrorAsync(int status, string title, string? detail, string errorId, CancellationToken cancellationToken) =>
        SendTextAsync(new { type = "error", status, title, detail, errorId }, cancellationToken);

    private Task SendTextAsync<T>(T frame, CancellationToken cancellationToken) =>
        SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame, Json), WebSocketMessageType.Text, cancellationToken);

    /// <summary>One frame at a time; a send the client does not take within <see cref="SendTimeout"/> aborts the socket.</summary>
    private async Task SendAsync(ReadOnlyMemory<byte> data, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SendTimeout);
            try
            {
                await _socket.SendAsync(data, type, endOfMessage: true, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LogSendStalled(_logger, _sessionId, SendTimeout);
                throw;
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private sealed record ControlFrame(string? Type, string? Token, int? Columns, int? Rows);

    [LoggerMessage(6020, LogLevel.Debug, "Session {SessionId}: a client detached ({Reason})")]
    private static partial void LogDetached(ILogger logger, string sessionId, string reason);

    [LoggerMessage(6021, LogLevel.Information, "Session {SessionId}: dropped a client that read too slowly (it was at byte {Offset}, the oldest kept is {Retained})")]
    private static partial void LogTooSlow(ILogger logger, string sessionId, long offset, long retained);

    [LoggerMessage(6022, LogLevel.Information, "Session {SessionId}: dropped a client that took no output for {Timeout}")]
    private static partial void LogSendStalled(ILogger logger, string sessionId, TimeSpan timeout);

    [LoggerMessage(6023, LogLevel.Error, "Session {SessionId}: attach failed (error id {ErrorId})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string sessionId, string errorId);
}
