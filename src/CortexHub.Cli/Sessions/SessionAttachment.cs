using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using CortexHub.Cli.Api;

namespace CortexHub.Cli.Sessions;

/// <summary>
/// A local terminal attached to a session over its WebSocket until the session ends: typed bytes go to the hub as
/// binary frames, output comes back byte for byte, window resizes become resize frames. When the socket drops (a hub
/// restart) it reattaches with <c>after</c> = everything shown so far, so the screen goes on as it was, no byte twice
/// and none lost; input typed meanwhile waits and is sent after. It gives up (exit 6) after
/// <see cref="ReconnectBackoff.MaxOutage"/> without the hub.
/// </summary>
public sealed class SessionAttachment
{
    /// <summary>Ctrl-D: sent when piped input ends, as a user at a terminal ends input.</summary>
    public const byte EndOfTransmission = 0x04;

    private const string LostNotice = "cortex: lost the hub; reconnecting…";

    private readonly HubClient _client;
    private readonly string _sessionId;
    private readonly ILocalTerminal _terminal;
    private readonly ReconnectBackoff _backoff;
    private readonly TimeProvider _time;
    private readonly Channel<ClientFrame> _outgoing = Channel.CreateBounded<ClientFrame>(new BoundedChannelOptions(64) { SingleReader = true });
    private ClientFrame? _unsent;

    public SessionAttachment(HubClient client, string sessionId, ILocalTerminal terminal, TimeProvider time)
    {
        _client = client;
        _sessionId = sessionId;
        _terminal = terminal;
        _time = time;
        _backoff = new ReconnectBackoff(time);
    }

    /// <summary>How many times the socket was attached (1 without a drop).</summary>
    public int Attachments { get; private set; }

    /// <summary>
    /// Runs until the session's <c>exit</c> frame and returns it. Output starts at byte <paramref name="after"/> (the
    /// hub's retained tail when null). <paramref name="forwardInput"/>: send what is typed; <paramref name="endWithEot"/>:
    /// when the input ends, send Ctrl-D (for piped input to a terminal program).
    /// </summary>
    public async Task<SessionEnd> RunAsync(long? after, bool forwardInput, bool endWithEot, CancellationToken cancellationToken)
    {
        var cursor = new OutputCursor(after);
        // Stops the input pump when the session ends, so it does not wait on a full queue forever.
        using var attached = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (forwardInput)
        {
            StartInputPump(endWithEot, attached.Token);
        }

        using var resizes = _terminal.OnResize(() =>
        {
            if (_terminal.Size is { } size)
            {
                _outgoing.Writer.TryWrite(ClientFrame.ForResize(size));
            }
        });
        while (true)
        {
            WebSocket? socket = null;
            try
            {
                socket = await _client.AttachSessionAsync(_sessionId, cursor.ResumeAfter, cancellationToken).ConfigureAwait(false);
                if (await RunConnectionAsync(socket, cursor, cancellationToken).ConfigureAwait(false) is { } end)
                {
                    await attached.CancelAsync().ConfigureAwait(false);
                    return end;
                }
            }
            catch (HubUnreachableException ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (!_backoff.InOutage && Attachments == 0)
                {
                    throw; // never reached: nothing to resume
                }

                await WaitBeforeRetryAsync(ex, cancellationToken).ConfigureAwait(false);
                continue;
            }
            finally
            {
                socket?.Dispose();
            }

            await WaitBeforeRetryAsync(null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitBeforeRetryAsync(Exception? cause, CancellationToken cancellationToken)
    {
        if (!_backoff.InOutage)
        {
            _terminal.ShowNotice(LostNotice);
        }

        if (_backoff.NextDelay() is not { } delay)
        {
            _terminal.ClearNotice();
            throw new HubUnreachableException(_client.Hub,
                $"the session's connection broke off and the hub stayed unreachable for {ReconnectBackoff.MaxOutage.TotalSeconds:0} s" +
                (cause is null ? "" : $" ({cause.Message})") + $"; the session may still run: cortex attach {_sessionId}", cause);
        }

        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One WebSocket connection: the session's end, or null when the connection dropped before it.</summary>
    private async Task<SessionEnd?> RunConnectionAsync(WebSocket socket, OutputCursor cursor, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var text = new MemoryStream();
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? sender = null;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return null; // closed without an exit frame: detached by the hub (a restart); attach again
                }

                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    var fresh = cursor.Accept(buffer.AsMemory(0, received.Count));
                    if (!fresh.IsEmpty)
                    {
                        await _terminal.Output.WriteAsync(fresh, cancellationToken).ConfigureAwait(false);
                        await _terminal.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                text.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var frame = HubFrame.Parse(Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length));
                text.SetLength(0);
                switch (frame.Type)
                {
                    case "attached":
                        cursor.Attached(frame.Offset ?? 0);
                        Attachments++;
                        if (_backoff.InOutage)
                        {
                            _terminal.ClearNotice();
                        }

                        _backoff.Reset();
                        sender = SendAsync(socket, ResizeIfChanged(frame), connection.Token);
                        break;
                    case "exit":
                        return new SessionEnd(frame.State, frame.ExitCode, frame.Outcome);
                    case "error" when frame.Status is >= 500:
                        return null; // a hub fault, such as a silo shutting down: attach again
                    case "error" when sender is null:
                        // Before "attached": the attach itself was refused (no such session, not yours, not logged in).
                        throw new HubApiException(frame.Status ?? 500, frame.ToProblem(), $"GET /api/v1/sessions/{_sessionId}/attach");
                    case "error":
                        // While attached: one frame refused (a size out of range, input after the program ended); the socket stays.
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return null; // the connection dropped
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            if (sender is not null)
            {
                await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>A resize frame first when the local window is not the size the session has (after a resize while away).</summary>
    private ClientFrame? ResizeIfChanged(HubFrame attached) =>
        _terminal.Size is { } size && attached.Session is { } session && (session.Columns, session.Rows) != (size.Columns, size.Rows)
            ? ClientFrame.ForResize(size)
            : null;

    /// <summary>
    /// Sends queued frames until the connection ends. A frame whose send failed is kept and sent first on the next
    /// connection, so input typed around a drop still arrives, in order.
    /// </summary>
    private async Task SendAsync(WebSocket socket, ClientFrame? first, CancellationToken cancellationToken)
    {
        try
        {
            if (first is not null)
            {
                await SendFrameAsync(socket, first, cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                _unsent ??= await _outgoing.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                await SendFrameAsync(socket, _unsent, cancellationToken).ConfigureAwait(false);
                _unsent = null;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException or ChannelClosedException)
        {
            // The connection ended (the receiver sees why) or the input did.
        }
    }

    private static Task SendFrameAsync(WebSocket socket, ClientFrame frame, CancellationToken cancellationToken)
    {
        var (payload, text) = frame.Encode();
        return socket.SendAsync(payload, text ? WebSocketMessageType.Text : WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
    }

    /// <summary>
    /// Reads the terminal's input on a thread of its own (a read of a terminal cannot be cancelled; the thread dies with
    /// the process) and queues each read as one input frame.
    /// </summary>
    private void StartInputPump(bool endWithEot, CancellationToken cancellationToken)
    {
        var thread = new Thread(() =>
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = _terminal.Input.Read(buffer, 0, buffer.Length);
                    if (read == 0)
                    {
                        break;
                    }

                    Queue(buffer.AsSpan(0, read).ToArray());
                }

                if (endWithEot)
                {
                    Queue([EndOfTransmission]);
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
                // The input is gone or the session ended.
            }
        })
        {
            IsBackground = true,
            Name = "cortex session input",
        };
        thread.Start();

        void Queue(byte[] bytes) => _outgoing.Writer.WriteAsync(ClientFrame.ForInput(bytes), cancellationToken).AsTask().GetAwaiter().GetResult();
    }
}
