using System.Buffers;
using System.Data.Common;
using System.Text;
using System.Text.Json;
using CortexHub.Grains.Pool;
using CortexHub.Storage.Relational;

namespace CortexHub.Grains.Storage;

public sealed class RelationalPoolStore(RelationalDatabase database) : IPoolStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    public async Task<PoolItem?> PoolInsertAsync(PoolItem item, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Single(await database.QueryAsync("PoolInsert", command =>
        {
            Bind(command, "@item", item.ItemId);
            Bind(command, "@shard", item.Shard);
            Bind(command, "@priority", item.Priority);
            Bind(command, "@labels", LabelsJson(item.RequiredLabels));
            Bind(command, "@work", JsonSerializer.Serialize(item.Work, Json));
            Bind(command, "@created_by", item.CreatedBy);
            Bind(command, "@idempotency_key", item.IdempotencyKey);
            Bind(command, "@max_attempts", item.MaxAttempts);
            Bind(command, "@visibility_ms", (long)item.VisibilityTimeout.TotalMilliseconds);
            Bind(command, "@available_at", database.ToDbTime(item.AvailableAt));
            Bind(command, "@now", database.ToDbTime(now));
        }, ReadItem, cancellationToken));

    public async Task<PoolItem?> PoolGetAsync(string itemId, CancellationToken cancellationToken = default) =>
        Single(await database.QueryAsync("PoolGet", command => Bind(command, "@item", itemId), ReadItem, cancellationToken));

    public async Task<PoolItem?> PoolGetByKeyAsync(string createdBy, string idempotencyKey, CancellationToken cancellationToken = default) =>
        Single(await database.QueryAsync("PoolGetByKey", command =>
        {
            Bind(command, "@created_by", createdBy);
            Bind(command, "@idempotency_key", idempotencyKey);
        }, ReadItem, cancellationToken));

    public async Task<IReadOnlyList<PoolItem>> PoolClaimAsync(
        string nodeId, string owner, IReadOnlyDictionary<string, string> labels, int limit, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await PoolClaimManyAsync([new PoolClaimRequest(nodeId, owner, labels, limit)], now, cancellationToken))[0];

    public async Task<IReadOnlyList<IReadOnlyList<PoolItem>>> PoolClaimManyAsync(IReadOnlyList<PoolClaimRequest> requests, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Requests of one owner with the same labels share one statement: one slot per item asked
        // for, in request order, so the first request gets the best items.
        var groups = requests.Select((request, index) => (Request: request, Index: index, Labels: LabelsJson(request.Labels)))
            .Where(r => r.Request.Limit > 0)
            .GroupBy(r => (r.Request.Owner, r.Labels))
            .Select(g => (g.Key.Owner, g.Key.Labels, Members: g.ToList()))
            .ToList();
        var claimed = groups.Count == 0 ? [] : await database.RunAsync<IReadOnlyList<List<PoolItem>>>(async connection =>
        {
            // One transaction: one commit for all, and the claims are atomic together (a failure claims nothing).
            await using var transaction = groups.Count > 1 ? await connection.BeginTransactionAsync(cancellationToken) : null;
            var rows = new List<List<PoolItem>>(groups.Count);
            if (groups.Count > 1 && connection.CanCreateBatch)
            {
                // One round trip for every statement (PostgreSQL); they still run one after another.
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var group in groups)
                {
                    var command = batch.CreateBatchCommand();
                    command.CommandText = database.QueryText("PoolClaim");
                    BindClaim(command.CreateParameter, command.Parameters, group.Owner, group.Labels, Slots(group.Members.Select(m => m.Request)), now);
                    batch.BatchCommands.Add(command);
                }

                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                do
                {
                    rows.Add(await ReadAllAsync(reader, cancellationToken));
                }
                while (await reader.NextResultAsync(cancellationToken));
            }
            else
            {
                foreach (var group in groups)
                {
                    await using var command = database.Command(connection, "PoolClaim");
                    command.Transaction = transaction;
                    BindClaim(command.CreateParameter, command.Parameters, group.Owner, group.Labels, Slots(group.Members.Select(m => m.Request)), now);
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    rows.Add(await ReadAllAsync(reader, cancellationToken));
                }
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return rows.Count == groups.Count
                ? rows
                : throw new InvalidOperationException($"PoolClaim batch returned {rows.Count} results for {groups.Count} statements.");
        }, cancellationToken);

        var results = requests.Select(_ => new List<PoolItem>()).ToArray();
        for (var g = 0; g < groups.Count; g++)
        {
            // Best first, each item to the first request of its node with room left (a node may have asked twice).
            foreach (var item in BestFirst(claimed[g]))
            {
                var member = groups[g].Members.First(m => m.Request.NodeId == item.ClaimedBy && results[m.Index].Count < m.Request.Limit);
                results[member.Index].Add(item);
            }
        }

        return results;
    }

    /// <summary>One entry per item asked for: each request's node, <see cref="PoolClaimRequest.Limit"/> times.</summary>
    private static List<string> Slots(IEnumerable<PoolClaimRequest> requests) =>
        [.. requests.SelectMany(r => Enumerable.Repeat(r.NodeId, r.Limit))];

    private void BindClaim(Func<DbParameter> create, DbParameterCollection parameters, string owner, string labelsJson, IReadOnlyCollection<string> slots, DateTimeOffset now)
    {
        void Add(string name, object value)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.Value = value;
            parameters.Add(parameter);
        }

        Add("@nodes", database.ToDbIdList(slots));
        Add("@owner", owner);
        Add("@labels", labelsJson);
        Add("@now", database.ToDbTime(now));
    }

    private async Task<List<PoolItem>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<PoolItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(ReadItem(reader));
        }

        return rows;
    }

    /// <summary>RETURNING has no order; offer the best first.</summary>
    private static IReadOnlyList<PoolItem> BestFirst(IReadOnlyList<PoolItem> claimed) =>
        claimed.Count > 1 ? [.. claimed.OrderByDescending(i => i.Priority).ThenBy(i => i.Seq)] : claimed;

    public Task PoolMarkDispatchedAsync(IReadOnlyCollection<PoolClaimRef> claims, IReadOnlyCollection<string> taskIds, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("PoolMarkDispatched", command =>
        {
            Bind(command, "@items", database.ToDbIdList([.. claims.Select(c => c.ItemId)]));
            Bind(command, "@tasks", database.ToDbIdList(taskIds));
        }, cancellationToken);

    public Task<int> PoolExtendAsync(IReadOnlyCollection<string> nodeIds, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("PoolExtend", command =>
        {
            Bind(command, "@nodes", database.ToDbIdList(nodeIds));
            Bind(command, "@now", database.ToDbTime(now));
        }, cancellationToken);

    public Task<IReadOnlyList<PoolItem>> PoolFinishAsync(
        IReadOnlyList<PoolOutcome> outcomes, TimeSpan backoffBase, TimeSpan backoffMax, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (outcomes.Select(o => o.ItemId).Distinct(StringComparer.Ordinal).Count() != outcomes.Count)
        {
            // One statement cannot apply two outcomes to one row in order; the caller splits them.
            throw new ArgumentException("Each item may appear only once among the outcomes of one statement.", nameof(outcomes));
        }

        return database.QueryAsync("PoolFinish", command =>
        {
            Bind(command, "@outcomes", OutcomesJson(outcomes));
            Bind(command, "@backoff_base_ms", (long)backoffBase.TotalMilliseconds);
            Bind(command, "@backoff_max_ms", (long)backoffMax.TotalMilliseconds);
            Bind(command, "@now", database.ToDbTime(now));
        }, ReadItem, cancellationToken);
    }

    public async Task<PoolItem?> PoolCancelAsync(string itemId, string reason, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Single(await database.QueryAsync("PoolCancel", command =>
        {
            Bind(command, "@item", itemId);
            Bind(command, "@reason", reason);
            Bind(command, "@now", database.ToDbTime(now));
        }, ReadItem, cancellationToken));

    public async Task<PoolItem?> PoolRequeueAsync(string itemId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Single(await database.QueryAsync("PoolRequeue", command =>
        {
            Bind(command, "@item", itemId);
            Bind(command, "@now", database.ToDbTime(now));
        }, ReadItem, cancellationToken));

    public async Task<bool> PoolDeleteAsync(string itemId, CancellationToken cancellationToken = default) =>
        await database.ExecuteAsync("PoolDelete", command => Bind(command, "@item", itemId), cancellationToken) == 1;

    public Task<IReadOnlyList<PoolItem>> PoolListAsync(PoolItemState? state, string? createdBy, long afterSeq, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("PoolList", command =>
        {
            Bind(command, "@state", state is { } s ? StateText(s) : null);
            Bind(command, "@created_by", createdBy);
            Bind(command, "@after", afterSeq);
            Bind(command, "@limit", limit);
        }, ReadItem, cancellationToken);

    public Task<IReadOnlyList<PoolItem>> PoolClaimedByAsync(string nodeId, CancellationToken cancellationToken = default) =>
        database.QueryAsync("PoolClaimedBy", command => Bind(command, "@node", nodeId), ReadItem, cancellationToken);

    public Task<IReadOnlyList<PoolLapsedClaim>> PoolLapsedAsync(DateTimeOffset now, DateTimeOffset orphanCutoff, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("PoolExpired", command =>
        {
            Bind(command, "@now", database.ToDbTime(now));
            Bind(command, "@orphan_cutoff", database.ToDbTime(orphanCutoff));
            Bind(command, "@limit", limit);
        }, reader => new PoolLapsedClaim(reader.GetString(0), reader.GetInt64(1), NullableString(reader, 2), NullableString(reader, 3), reader.GetString(4)), cancellationToken);

    public Task<IReadOnlyList<PoolLapsedClaim>> PoolUndispatchedAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("PoolUndispatched", command =>
        {
            Bind(command, "@cutoff", database.ToDbTime(claimedBefore));
            Bind(command, "@limit", limit);
        }, reader => new PoolLapsedClaim(reader.GetString(0), reader.GetInt64(1), NullableString(reader, 2), NullableString(reader, 3), "undispatched"), cancellationToken);

    public Task<IReadOnlyList<PoolClaimedTask>> PoolStaleClaimsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default) =>
        database.QueryAsync("PoolStaleClaims", command =>
        {
            Bind(command, "@cutoff", database.ToDbTime(claimedBefore));
            Bind(command, "@limit", limit);
        }, reader => new PoolClaimedTask(reader.GetString(0), NullableString(reader, 1)), cancellationToken);

    public Task<int> PoolPurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("PoolPurge", command => Bind(command, "@cutoff", database.ToDbTime(finishedBefore)), cancellationToken);

    public async Task<PoolStats> PoolStatsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var counts = Enum.GetValues<PoolItemState>().ToDictionary(s => s, _ => 0L);
        var depth = new SortedDictionary<int, long>(Comparer<int>.Create((a, b) => b.CompareTo(a)));
        var inFlight = new SortedDictionary<string, long>(StringComparer.Ordinal);
        DateTimeOffset? oldest = null;
        await database.QueryAsync("PoolStats", _ => { }, reader =>
        {
            var count = reader.GetInt64(3);
            switch (reader.GetString(0))
            {
                case "s":
                    counts[ParseState(reader.GetString(1))] = count;
                    break;
                case "p":
                    depth[reader.GetInt32(2)] = count;
                    var created = database.ReadTime(reader, 4);
                    oldest = oldest is { } o && o < created ? o : created;
                    break;
                case "n":
                    inFlight[reader.GetString(1)] = count;
                    break;
            }

            return 0;
        }, cancellationToken);
        return new PoolStats(counts, depth, inFlight, oldest is { } t ? now - t : null);
    }

    /// <summary>Column order of every item query in the dialects' <c>pool.sql</c>.</summary>
    private PoolItem ReadItem(DbDataReader reader) => new(
        ItemId: reader.GetString(0),
        Seq: reader.GetInt64(1),
        Shard: reader.GetInt32(2),
        State: ParseState(reader.GetString(3)),
        Priority: reader.GetInt32(4),
        RequiredLabels: JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(5), Json) ?? NoLabels,
        Work: JsonSerializer.Deserialize<PoolWork>(reader.GetString(6), Json) ?? throw new InvalidDataException($"Pool item {reader.GetString(0)} has no work."),
        CreatedBy: reader.GetString(7),
        IdempotencyKey: NullableString(reader, 8),
        MaxAttempts: reader.GetInt32(9),
        Attempts: reader.GetInt32(10),
        VisibilityTimeout: TimeSpan.FromMilliseconds(reader.GetInt64(11)),
        AvailableAt: database.ReadTime(reader, 12),
        LeaseTerm: reader.GetInt64(13),
        ClaimedBy: NullableString(reader, 14),
        ClaimedAt: NullableTime(reader, 15),
        LeaseExpiresAt: NullableTime(reader, 16),
        TaskId: NullableString(reader, 17),
        LastError: NullableString(reader, 18),
        ExitCode: reader.IsDBNull(19) ? null : reader.GetInt32(19),
        CreatedAt: database.ReadTime(reader, 20),
        FinishedAt: NullableTime(reader, 21),
        Dispatched: reader.GetBoolean(22));

    /// <summary>Outcomes as <c>[{"item":…,"term":…,"ok":…,"error":…,"exit_code":…}]</c> for the dialects' <c>PoolFinish</c>.</summary>
    private static string OutcomesJson(IReadOnlyList<PoolOutcome> outcomes)
    {
        var buffer = new ArrayBufferWriter<byte>(96 * outcomes.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var outcome in outcomes)
            {
                json.WriteStartObject();
                json.WriteString("item", outcome.ItemId);
                json.WriteNumber("term", outcome.LeaseTerm);
                json.WriteBoolean("ok", outcome.Succeeded);
                json.WriteString("error", outcome.Error);
                if (outcome.ExitCode is { } exitCode)
                {
                    json.WriteNumber("exit_code", exitCode);
                }
                else
                {
                    json.WriteNull("exit_code");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Labels as a JSON object with sorted keys (the same labels always give the same text).</summary>
    internal static string LabelsJson(IReadOnlyDictionary<string, string>? labels) =>
        labels is null || labels.Count == 0 ? "{}" : JsonSerializer.Serialize(new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal));

    internal static string StateText(PoolItemState state) => state.ToString().ToLowerInvariant();

    private static PoolItemState ParseState(string text) => Enum.Parse<PoolItemState>(text, ignoreCase: true);

    private DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : database.ReadTime(reader, ordinal);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static PoolItem? Single(IReadOnlyList<PoolItem> rows) => rows.Count == 0 ? null : rows[0];

    private static void Bind(DbCommand command, string name, object? value) => RelationalDatabase.Bind(command, name, value);
}
