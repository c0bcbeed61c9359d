using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace CortexHub.EndToEnd.Tests;

/// <summary>
/// A pool change the hub acknowledged has its event in the stored event log, even when the silo
/// process is SIGKILLed right after answering: the event is part of the operation, not a
/// notification queued behind it.
/// </summary>
public sealed class PoolEventDurabilityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PoolSubmit_Acknowledged_ItsEventIsStoredEvenIfTheSiloIsSigkilledRightAfter()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Postgres);
        await using var cluster = await ProcessCluster.StartAsync(new ProcessClusterOptions
        {
            ConnectionString = storage.ConnectionString!,
            Schema = storage.Schema!,
            Silos = 1,
            Nginx = false,
        });
        using var api = cluster.Api(0);

        // Event appends wait behind a lock (as behind a slow disk) while pool rows are written: the
        // first submit's event append waits in PostgreSQL, the second's behind it in the silo's memory.
        // An answer that does not wait for its event shows as an answered submit whose event died with the silo.
        await using var blocker = await OpenAsync(storage);
        await using var lockTransaction = await blocker.BeginTransactionAsync();
        await using (var lockEvents = new NpgsqlCommand("LOCK TABLE hub_events IN EXCLUSIVE MODE", blocker, lockTransaction))
        {
            await lockEvents.ExecuteNonQueryAsync();
        }

        var first = SubmitAsync(api, "first");
        await TestCluster.WaitUntilAsync(async () => await EventAppendsWaitingAsync(storage) > 0, Wait, "the first pool event's append waits on the lock");
        var second = SubmitAsync(api, "second");
        await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(10))); // long enough for an answer that does not wait for its event
        cluster.Kill(0);
        await cluster.WaitForExitAsync(0, Wait);
        await lockTransaction.RollbackAsync();

        foreach (var submit in new[] { first, second })
        {
            if (submit.IsCompletedSuccessfully && await submit is { } answered)
            {
                output.WriteLine($"submit of {answered} was answered before the silo was killed");
                Assert.True(await StoredEventsAsync(storage, answered) == 1, $"submit of {answered} was answered, but its event is not in the stored log");
            }
        }

        // Without the lock: answered, then killed at once; the event is stored.
        await cluster.StartAsync(0);
        var prompt = await SubmitAsync(api, "prompt") ?? throw new InvalidOperationException("The submit after the restart was not answered.");
        cluster.Kill(0);
        await cluster.WaitForExitAsync(0, Wait);
        Assert.Equal(1, await StoredEventsAsync(storage, prompt));
    }

    /// <summary>Submits one item; returns its id once the hub answered 201, or null when the call failed.</summary>
    private static async Task<string?> SubmitAsync(HttpClient api, string key)
    {
        try
        {
            using var response = await api.PostAsJsonAsync("/api/v1/pool/items", new { command = "true", idempotencyKey = key });
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("itemId").GetString() : null;
        }
        catch (HttpRequestException)
        {
            return null; // the silo died before answering
        }
    }

    private static async Task<long> EventAppendsWaitingAsync(TestStorage storage) =>
        (long)(await storage.ExecuteScalarAsync(
            "SELECT count(*) FROM pg_locks WHERE relation = 'hub_events'::regclass AND NOT granted"))!;

    private static async Task<long> StoredEventsAsync(TestStorage storage, string itemId) =>
        (long)(await storage.ExecuteScalarAsync($"SELECT count(*) FROM hub_events WHERE kind = 'pool.item' AND source = 'pool:{itemId}'"))!;

    private static async Task<NpgsqlConnection> OpenAsync(TestStorage storage)
    {
        var builder = new NpgsqlConnectionStringBuilder(storage.ConnectionString) { SearchPath = storage.Schema, Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
