using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CortexHub.Testing;

/// <summary>
/// A client of a session's attach WebSocket (<c>/api/v1/sessions/{id}/attach</c>), as the CLI or a
/// browser uses it: authenticated by header or first frame, reading text frames as JSON and binary
/// frames as output bytes. Every read waits at most <see cref="Timeout"/>.
/// </summary>
public sealed class SessionSocket : IDisposable
{
    private readonly WebSocket _socket;
    private readonly byte[] _buffer = new byte[128 * 1024];

    private SessionSocket(WebSocket socket) => _socket = socket;

    /// <summary>A client over a WebSocket opened some other way (say, over a socket with a fixed receive buffer).</summary>
    public static SessionSocket Over(WebSocket socket) => new(socket);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public WebSocket Socket => _socket;

    /// <summary>The output offset after the bytes received so far (starts at the <c>attached</c> frame's offset).</summary>
    public long Offset { get; private set; }

    /// <summary>Every output byte received, in order.</summary>
    public List<byte> Output { get; } = [];

    public string OutputText => Encoding.UTF8.GetString([.. Output]);

    /// <summary>Opens <paramref name="path"/> on <paramref name="httpAddress"/>; with <paramref name="header"/> as the bearer key, or <paramref name="firstFrame"/> sent as the auth frame.</summary>
    public static async Task<SessionSocket> ConnectAsync(Uri httpAddress, string path, string? header = null, string? firstFrame = null)
    {
        ArgumentNullException.ThrowIfNull(httpAddress);
        var socket = new ClientWebSocket();
        var client = new SessionSocket(socket);
        if (header is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + header);
        }

        var address = new UriBuilder(httpAddress) { Scheme = httpAddress.Scheme == "https" ? "wss" : "ws" };
        using var deadline = new CancellationTokenSource(client.Timeout);
        await socket.ConnectAsync(new Uri(address.Uri, path), deadline.Token);
        if (firstFrame is not null)
        {
            await client.SendTextAsync(new { type = "auth", token = firstFrame });
        }

        return client;
    }

    public Task SendTextAsync(object frame) =>
        _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendInputAsync(ReadOnlyMemory<byte> data) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None).AsTask();

    public Task SendInputAsync(string text) => SendInputAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>The next message, whole: its type and bytes (output bytes also go to <see cref="Output"/>).</summary>
    public async Task<(WebSocketMessageType Type, byte[] Data)> ReadMessageAsync()
    {
        var (type, data) = await ReceiveAsync();
        if (type == WebSocketMessageType.Binary)
        {
            Output.AddRange(data);
            Offset += data.Length;
        }
        else if (type == WebSocketMessageType.Text && JsonNode.Parse(data) is JsonObject { } frame && frame["type"]?.GetValue<string>() == "attached")
        {
            Offset = frame["offset"]!.GetValue<long>();
        }

        return (type, data);
    }

    /// <summary>Output until <paramref name="done"/> holds for everything received so far; returns that text.</summary>
    public async Task<string> ReadOutputUntilAsync(Func<string, bool> done)
    {
        while (!done(OutputText))
        {
            var (type, data) = await ReadMessageAsync();
            if (type != WebSocketMessageType.Binary)
            {
                throw new InvalidOperationException($"Expected output, got {type}: {Encoding.UTF8.GetString(data)}\nafter: {OutputText}");
            }
        }

        return OutputText;
    }

    private async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync()
    {
        using var deadline = new CancellationTokenSource(Timeout);
        var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(_buffer, deadline.Token);
            message.Write(_buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return (result.MessageType, message.ToArray());
    }

    public async Task<JsonObject> ReadTextAsync()
    {
        var (type, data) = await ReadMessageAsync();
        return type == WebSocketMessageType.Text
            ? JsonNode.Parse(data)!.AsObject()
            : throw new InvalidOperationException($"Expected a text frame, got {type}: {Encoding.UTF8.GetString(data)}");
    }

    /// <summary>Binary frames until <paramref name="count"/> bytes came (output comes in any split), as UTF-8.</summary>
    public async Task<string> ReadOutputAsync(int count)
    {
        var bytes = new List<byte>();
        while (bytes.Count < count)
        {
            var (type, data) = await ReadMessageAsync();
            if (type != WebSocketMessageType.Binary)
            {
                throw new InvalidOperationException($"Expected output, got {type}: {Encoding.UTF8.GetString(data)}");
            }

            bytes.AddRange(data);
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The close frame; returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ReadCloseAsync()
    {
        var (type, data) = await ReadMessageAsync();
        return type == WebSocketMessageType.Close
            ? _socket.CloseStatus
            : throw new InvalidOperationException($"Expected the close, got {type}: {Encoding.UTF8.GetString(data)}");
    }

    public Task CloseAsync() => _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

    public void Dispose() => _socket.Dispose();
}
