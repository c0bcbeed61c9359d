using System.Text;
using System.Text.Json;

namespace CortexHub.Cli.Sessions;

/// <summary>A frame for the hub: input bytes (binary) or a resize (text).</summary>
public sealed record ClientFrame(byte[]? Input, TerminalSize? Resize)
{
    public static ClientFrame ForInput(byte[] bytes) => new(bytes, null);

    public static ClientFrame ForResize(TerminalSize size) => new(null, size);

    /// <summary>The frame's payload and whether it goes as text.</summary>
    public (byte[] Payload, bool Text) Encode() => Resize is { } size
        ? (Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "resize", columns = size.Columns, rows = size.Rows })), true)
        : (Input ?? [], false);
}
