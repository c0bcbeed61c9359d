namespace CortexHub.Cli.Api.Models;

/// <summary>GET /api/v1/pool/items: one page, and the cursor of the next when there may be more.</summary>
public sealed record PoolItemList(IReadOnlyList<PoolItemInfo> Items, long? NextAfter);
