using System.Text.Json.Serialization;

namespace CortexHub.Agent.Processes;

/// <summary>Source-generated JSON for the <see cref="RunLedger"/>'s files (no reflection at run time).</summary>
[JsonSerializable(typeof(RunRecord))]
internal sealed partial class RunLedgerJson : JsonSerializerContext;
