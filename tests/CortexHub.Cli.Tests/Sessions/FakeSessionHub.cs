using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CortexHub.Cli.Tests.Sessions;

/// <summary>
/// A peer that speaks the session API's wire (POST /sessions, the attach WebSocket) as scripted per connection, for
/// the edge cases a real hub does not produce on demand: a replay from before the offset asked for, a refusal frame.
/// </summary>
public sealed class FakeSessionHub : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSessionHub(WebApplication app) => _app = app;

    /// <summary>Bodies of POST /api/v1/sessions.</summary>
    public ConcurrentQueue<string> Opened { get; } = new();

    /// <summary>The <c>after</c> query of each attach (null when absent).</summary>
    public ConcurrentQueue<long?> Attaches { get; } = new();

    /// <summary>Every frame a client sent: "bin:" + text of binary frames, or the text frame.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Starts the hub; <paramref name="connection"/> plays attach number N (0-based) on its socket.</summary>
    public static async Task<FakeSessionHub> StartAsync(Func<int, long?, Connection, Task> connection)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var hub = new FakeSessionHub(app);
        app.UseWebSockets();
        var attaches = 0;
        app.MapPost("/api/v1/sessions", async (HttpContext http) =>
        {
            hub.Opened.Enqueue(await new StreamReader(http.Request.Body).ReadToEndAsync());
            return Results.Json(View("s-1"), statusCode: 201);
        });
        // Prefix lookups (attach takes a prefix): the one session there is.
        app.MapGet("/api/v1/tasks", () => Results.Json(new[] { new { taskId = "s-1" } }));
        app.Map("/api/v1/sessions/{id}/attach", async (HttpContext http) =>
        {
            long? after = long.TryParse(http.Request.Query["after"], out var a) ? a : null;
            hub.Attaches.Enqueue(after);
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var received = hub.ReceiveAllAsync(socket);
            await connection(Interlocked.Increment(ref attaches) - 1, after, new Connection(socket, hub.Received, received));
            await received;
        });
        await app.StartAsync();
        return hub;
    }

    public static object View(string id, int columns = 100, int rows = 30) =>
        new { id, nodeId = "n1", command = "python3", openedBy = "u", openedAt = DateTimeOffset.UnixEpoch, state = "running", columns, rows, exitCode = (int?)null, outcome = (string?)null, outputBytes = 0 };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAllAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
                Received.Enqueue(result.MessageType == WebSocketMessageType.Binary ? "bin:" + text : text);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The connection was dropped on purpose.
        }
    }

    /// <summary>One attach's socket, with the frames the hub sends.</summary>
    public sealed class Connection(WebSocket socket, ConcurrentQueue<string> received, Task detached)
    {
        /// <summary>Completes when the client has gone (closed or dropped the socket).</summary>
        public Task Detached => detached;

        /// <summary>What clients sent so far (all connections).</summary>
        public ConcurrentQueue<string> Received => received;

        public Task AttachedAsync(long offset, object? session = null) => TextAsync(new { type = "attached", session = session ?? View("s-1"), offset });

        public Task OutputAsync(string bytes) => socket.SendAsync(Encoding.UTF8.GetBytes(bytes), WebSocketMessageType.Binary, true, CancellationToken.None);

        public async Task ExitAsync(string state, int? exitCode)
        {
            await TextAsync(new { type = "exit", state, exitCode, outcome = "exited" });
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }

        /// <summary>A refusal: the error frame, then close 1008.</summary>
        public async Task ErrorAsync(int status, string title)
        {
            await ErrorFrameAsync(status, title);
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "", CancellationToken.None);
        }

        /// <summary>An error frame alone (the socket stays open).</summary>
        public Task ErrorFrameAsync(int status, string title) => TextAsync(new { type = "error", status, title, detail = "nope", errorId = "e1" });

        /// <summary>Drops the connection without a close (as a killed hub does).</summary>
        public void Drop() => socket.Abort();

        private Task TextAsync(object frame) =>
            socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame, new JsonSerializerOptions(JsonSerializerDefaults.Web)), WebSocketMessageType.Text, true, CancellationToken.None);
    }
}
