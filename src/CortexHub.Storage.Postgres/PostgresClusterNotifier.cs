using System.Collections.Concurrent;
using CortexHub.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CortexHub.Storage.Postgres;

/// <summary>
/// Cross-silo hints over LISTEN/NOTIFY. Every logical channel rides one PostgreSQL channel per
/// schema (<c>{schema}_hub</c>, payload <c>channel\norigin\npayload</c>), so the listening connection LISTENs
/// once and never needs to be interrupted to add channels. The listener reconnects with backoff and
/// raises <see cref="Resync"/> after each connect, because notifications sent meanwhile are lost.
/// </summary>
public sealed partial class PostgresClusterNotifier(PostgresDatabase database, ILogger<PostgresClusterNotifier> logger) : IClusterNotifier, IAsyncDisposable
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Action<string>[]> _handlers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _origin = Guid.NewGuid().ToString("N")[..12];
    private readonly TaskCompletionSource _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public event Action? Resync;

    public string PgChannel => database.Schema + "_hub";

    /// <summary>Completes once the first LISTEN is in place (tests wait on it instead of sleeping).</summary>
    public Task Listening => _firstConnect.Task;

    public void Start() => _loop = Task.Run(() => ListenLoopAsync(_stopping.Token));

    /// <summary>
    /// Subscribers on this silo get the hint at once, in process; the others through PostgreSQL
    /// (the message names this notifier as its origin, so its own echo is skipped). A node's
    /// dispatch on the silo holding its stream thus waits for no database round trip.
    /// </summary>
    public Task NotifyAsync(string channel, string payload, CancellationToken cancellationToken = default)
    {
        Deliver(channel, payload);
        return database.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT pg_notify(@c, @p)", (NpgsqlConnection)connection);
            command.Parameters.AddWithValue("c", PgChannel);
            command.Parameters.AddWithValue("p", channel + "\n" + _origin + "\n" + payload);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public IDisposable Subscribe(string channel, Action<string> onNotification)
    {
        _handlers.AddOrUpdate(channel, _ => [onNotification], (_, existing) => [.. existing, onNotification]);
        return new Unsubscriber(() => _handlers.AddOrUpdate(channel, _ => [], (_, existing) => [.. existing.Where(h => h != onNotification)]));
    }

    private async Task ListenLoopAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(database.ListenerConnectionString);
                await connection.OpenAsync(cancellationToken);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN \"{PgChannel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                if (failures > 0)
                {
                    LogReconnected(failures);
                }

                failures = 0;
                _firstConnect.TrySetResult();
                Resync?.Invoke();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (failures++ == 0)
                {
                    LogListenFailed(ex);
                }

                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxReconnectDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>A notification from PostgreSQL: <c>channel\norigin\npayload</c>; our own were delivered when sent.</summary>
    private void Dispatch(string message)
    {
        var first = message.IndexOf('\n');
        var second = first < 0 ? -1 : message.IndexOf('\n', first + 1);
        if (second < 0 || message.AsSpan(first + 1, second - first - 1).SequenceEqual(_origin))
        {
            return;
        }

        Deliver(message[..first], message[(second + 1)..]);
    }

    private void Deliver(string channel, string payload)
    {
        if (_handlers.TryGetValue(channel, out var handlers))
        {
            foreach (var handler in handlers)
            {
                handler(payload);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as IClusterNotifier, so the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }

    [LoggerMessage(3101, LogLevel.Warning, "LISTEN connection to PostgreSQL failed; reconnecting with backoff (cross-silo hints are delayed, not lost: tables are re-read on reconnect)")]
    private partial void LogListenFailed(Exception exception);

    [LoggerMessage(3102, LogLevel.Information, "LISTEN connection to PostgreSQL restored after {Failures} failed attempts")]
    private partial void LogReconnected(int failures);

    private sealed class Unsubscriber(Action unsubscribe) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                unsubscribe();
            }
        }
    }
}
