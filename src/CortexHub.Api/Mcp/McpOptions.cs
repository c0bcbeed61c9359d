namespace CortexHub.Api.Mcp;

/// <summary>The MCP server at /mcp, section <c>CortexHub:Mcp</c>: how much text one answer may carry.</summary>
public sealed class McpOptions
{
    public const string SectionName = "CortexHub:Mcp";

    /// <summary>Smallest budget a call may ask for: room for the task line, the markers and a little output.</summary>
    public const int MinAnswerBytes = 2048;

    public const int DefaultAnswerBytes = 16 * 1024;
    public const int DefaultMaxAnswerBytes = 256 * 1024;
    public const int DefaultResourceBytes = 1024 * 1024;

    /// <summary>
    /// UTF-8 bytes of text in one tool answer when the call names no <c>maxBytes</c>: output past it is
    /// left out between a head and a tail, with a marker saying what was omitted and how to read it.
    /// Default 16 KiB (about 4,000 tokens).
    /// </summary>
    public int AnswerBytes { get; set; } = DefaultAnswerBytes;

    /// <summary>The largest <c>maxBytes</c> a call may ask for. Default 256 KiB.</summary>
    public int MaxAnswerBytes { get; set; } = DefaultMaxAnswerBytes;

    /// <summary>The most text a task-log resource returns (head and tail past it, as in tool answers). Default 1 MiB.</summary>
    public int ResourceBytes { get; set; } = DefaultResourceBytes;
}
