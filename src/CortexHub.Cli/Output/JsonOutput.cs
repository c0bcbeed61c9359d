using System.Text.Json;

namespace CortexHub.Cli.Output;

/// <summary>What <c>--json</c> prints: indented documents, or one compact document per line for event streams.</summary>
public static class JsonOutput
{
    public static void Write(TextWriter writer, JsonElement json) => writer.WriteLine(JsonSerializer.Serialize(json, CliJson.Indented));

    public static void Write<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, CliJson.Indented));

    /// <summary>One line of newline-delimited JSON.</summary>
    public static void WriteLine<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, CliJson.Compact));
}
