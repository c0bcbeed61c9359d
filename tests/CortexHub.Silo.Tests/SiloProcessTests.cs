using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CortexHub.Protocol.V1;

namespace CortexHub.Silo.Tests;

/// <summary>The silo executable as users run it: real processes, real signals, real exit codes.</summary>
public sealed class SiloProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _workDir = Directory.CreateTempSubdirectory("cortexhub-silo-test-").FullName;

    [Fact]
    public async Task Silo_SqliteDefault_ServesHealthAndStopsGracefullyOnSigterm()
    {
        var port = FreePorts.Next();
        await using var silo = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(port));
        await silo.WaitForOutputAsync("Now listening on", StartTimeout);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        Assert.Equal("ok", await http.GetStringAsync("/healthz"));
        Assert.Equal("ready", await http.GetStringAsync("/readyz"));
        silo.Terminate();

        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("left the cluster", silo.Output);
        Assert.True(File.Exists(Path.Combine(_workDir, "data", "cortexhub.db")));
    }

    [Fact]
    public async Task Silo_SigtermWhileStarting_ExitsWithCode0WithoutAStackTrace()
    {
        await using var silo = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(FreePorts.Next()));
        await silo.WaitForOutputAsync("joined the cluster", StartTimeout); // Orleans is still starting; the ports are not open yet
        silo.Terminate();

        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("Unhandled exception", silo.Output);
    }

    [Fact]
    public async Task Silo_PostgresUnreachable_ExitsWithCode2AndSaysWhyWithoutThePassword()
    {
        await using var silo = SiloProcess.Start(_workDir, new Dictionary<string, string?>
        {
            ["CortexHub__Storage__Provider"] = "postgres",
            ["CortexHub__Storage__Postgres__ConnectionString"] = $"Host=127.0.0.1;Port={FreePorts.Next()};Username=hub;Password=hunter2;Timeout=2",
        }, Ports(FreePorts.Next()));

        Assert.Equal(2, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("cortexhub-silo: storage is unavailable", silo.Output);
        Assert.DoesNotContain("hunter2", silo.Output);
    }

    [Fact]
    public async Task Silo_InvalidSetting_ExitsWithCode3NamingTheKey()
    {
        await using var silo = SiloProcess.Start(_workDir, new Dictionary<string, string?>
        {
            ["CortexHub__Orleans__ProbeTimeout"] = "00:00:07",
            ["CortexHub__Orleans__DeathVoteExpiration"] = "00:00:12",
        }, Ports(FreePorts.Next()));

        Assert.Equal(3, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("CortexHub:Orleans:DeathVoteExpiration", silo.Output);
    }

    [Fact]
    public async Task Silo_DispatchLimitAboveTheGrpcSendLimit_ExitsWithCode3NamingBothKeys()
    {
        await using var silo = SiloProcess.Start(_workDir, new Dictionary<string, string?>
        {
            ["CortexHub__Limits__MaxNodeMessageBytes"] = $"{8 * 1024 * 1024}",
        }, Ports(FreePorts.Next()));

        Assert.Equal(3, await silo.WaitForExitAsync(StartTimeout));
        Assert.Contains("CortexHub:Limits:MaxNodeMessageBytes (8388608) must not exceed CortexHub:Grpc:MaxSendMessageSize (4194304)", silo.Output);
    }

    [Fact]
    public async Task Silo_SecondOnSameSqliteData_ExitsWithCode2()
    {
        await using var first = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(FreePorts.Next()));
        await first.WaitForOutputAsync("Now listening on", StartTimeout);

        await using var second = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(FreePorts.Next()));

        Assert.Equal(2, await second.WaitForExitAsync(StartTimeout));
        Assert.Contains("in use by another silo", second.Output);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task Silo_KilledWithSigkill_NextStartTakesOverTheStore()
    {
        var port = FreePorts.Next();
        await using (var crashed = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(port)))
        {
            await crashed.WaitForOutputAsync("Now listening on", StartTimeout);
            crashed.KillHard();
            await crashed.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        await using var next = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(port));
        await next.WaitForOutputAsync("Now listening on", StartTimeout);

        // The OS released the dead process's file lock: the next silo owns the store at once.
        Assert.Contains("joined the cluster", next.Output);
    }

    [Fact]
    public async Task Silo_EmbeddedKilledWithSigkill_RestartKeepsGrainStateRemindersAndEveryAcknowledgedLine()
    {
        const string adminKey = "chk.admin.k1.first-admin-secret";
        var environment = new Dictionary<string, string?> { ["CortexHub__Api__AdminKey"] = adminKey };
        var (port, grpcPort) = (FreePorts.Next(), FreePorts.Next());
        string[] ports = ["--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={port}", $"--CortexHub:Endpoints:GrpcPort={grpcPort}"];
        var grpc = new Uri($"http://127.0.0.1:{grpcPort}");
        string aliceKey;
        long acked;
        await using (var crashed = SiloProcess.Start(_workDir, environment, ports))
        {
            await crashed.WaitForOutputAsync("Now listening on", StartTimeout);
            using var admin = Client(port, adminKey);
            var created = await admin.PostAsJsonAsync("/api/v1/users", new { id = "alice", name = "Alice" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            aliceKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("apiKey").GetString()!;

            // A node streams a task's output; the hub acknowledges some of it, then dies mid-stream.
            using var alice = Client(port, aliceKey);
            var token = (await (await alice.PostAsJsonAsync("/api/v1/nodes", new { id = "n1" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            var (node, _) = await TestNode.ConnectAsync(grpc, "n1", token);
            await using var _ = node;
            Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync("/api/v1/tasks", new { id = "t1", nodeId = "n1", command = "build" })).StatusCode);
            await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Dispatch, StartTimeout);
            for (var seq = 1; seq <= 200; seq++)
            {
                await node.SendOutputAsync("t1", seq, $"line {seq}\n");
            }

            acked = (long)(await node.ReadUntilAsync(m => m.BodyCase == HubMessage.BodyOneofCase.Ack && m.Ack.Sequence >= 100, StartTimeout)).Ack.Sequence;
            crashed.KillHard();
            await crashed.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        // What Orleans wrote through our schema is on disk: the users' state and the reaper's reminder.
        var database = Path.Combine(_workDir, "data", "cortexhub.db");
        Assert.Equal(2L, await SqliteScalarAsync(database, "SELECT count(*) FROM orleans_state WHERE grain_type = 'user' AND payload IS NOT NULL"));
        Assert.Equal(1L, await SqliteScalarAsync(database, "SELECT count(*) FROM orleans_reminder WHERE grain_id LIKE 'pool-reaper/%'"));

        await using var next = SiloProcess.Start(_workDir, environment, ports);
        await next.WaitForOutputAsync("Now listening on", StartTimeout);
        using var again = Client(port, aliceKey);
        var me = await again.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("Alice", me.GetProperty("name").GetString());
        Assert.DoesNotContain("created the admin user", next.Output, StringComparison.OrdinalIgnoreCase);

        // Every line acknowledged before the crash is in the journal, once and in order.
        var logs = await again.GetStringAsync("/api/v1/tasks/t1/logs?format=plain");
        Assert.StartsWith(string.Concat(Enumerable.Range(1, (int)acked).Select(i => $"line {i}\n")), logs);
    }

    [Fact]
    public async Task Silo_DatabaseFromANewerVersion_ExitsWithCode4NamingTheMigration()
    {
        await CreateDataOnceAsync();

        var database = Path.Combine(_workDir, "data", "cortexhub.db");
        await SqliteScalarAsync(database, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from_the_future', 0)");

        await using var older = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(FreePorts.Next()));
        Assert.Equal(4, await older.WaitForExitAsync(StartTimeout));
        Assert.Contains("migration 99 (from_the_future)", older.Output);
    }

    [Fact]
    public async Task Silo_OrleansStatementRemovedFromTheDatabase_ExitsWithCode4NamingIt()
    {
        await CreateDataOnceAsync();

        await SqliteScalarAsync(Path.Combine(_workDir, "data", "cortexhub.db"), "DELETE FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'");

        await using var broken = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(FreePorts.Next()));
        Assert.Equal(4, await broken.WaitForExitAsync(StartTimeout));
        Assert.Contains("lacks Orleans statements WriteToStorageKey", broken.Output);
    }

    /// <summary>Runs a silo until it listens, then stops it: the data folder holds a migrated database.</summary>
    private async Task CreateDataOnceAsync()
    {
        await using var first = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(FreePorts.Next()));
        await first.WaitForOutputAsync("Now listening on", StartTimeout);
        first.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are a Unix notion
    public async Task Silo_SqliteDefault_DataFolderAndDatabaseFiles_AreOwnerOnly()
    {
        var port = FreePorts.Next();
        await using var silo = SiloProcess.Start(_workDir, new Dictionary<string, string?>(), Ports(port));
        await silo.WaitForOutputAsync("Now listening on", TimeSpan.FromMinutes(2));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal("ready", await http.GetStringAsync("/readyz")); // the store is open, in WAL mode

        var data = Path.Combine(_workDir, "data");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, new DirectoryInfo(data).UnixFileMode);
        var files = Directory.GetFiles(data, "cortexhub.db*");
        Assert.Contains(Path.Combine(data, "cortexhub.db-wal"), files);
        foreach (var file in files)
        {
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file}: {File.GetUnixFileMode(file)}");
        }

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static HttpClient Client(int port, string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    private static async Task<object?> SqliteScalarAsync(string database, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static string[] Ports(int httpPort) =>
        ["--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={httpPort}", $"--CortexHub:Endpoints:GrpcPort={FreePorts.Next()}"];

    public void Dispose() => Directory.Delete(_workDir, recursive: true);
}
