using System.Text.Encodings.Web;
using System.Text.Json;

namespace CortexHub.Cli;

/// <summary>JSON settings: the hub's wire format (camelCase, enums as strings) and the CLI's own output.</summary>
public static class CliJson
{
    /// <summary>Reading the hub's answers and writing requests.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Human-friendly output: indented, and text such as '&lt;' or '+' kept as is (it is not embedded in HTML).</summary>
    public static JsonSerializerOptions Indented { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>One JSON value per line (for streams of events).</summary>
    public static JsonSerializerOptions Compact { get; } = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
