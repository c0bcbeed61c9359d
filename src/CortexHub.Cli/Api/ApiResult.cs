using System.Text.Json;

namespace CortexHub.Cli.Api;

/// <summary>A typed answer from the hub together with its JSON exactly as sent (what <c>--json</c> prints).</summary>
public sealed record ApiResult<T>(T Value, JsonElement Json, int Status);
