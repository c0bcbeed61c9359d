using System.Text;

namespace CortexHub.Cli.Api.Models;

/// <summary>One output stream of a task as the hub keeps it: its first and last bytes and how many lie between.</summary>
public sealed record OutputView(string? Head, long OmittedBytes, string? Tail)
{
    /// <summary>The stream's whole size in bytes (head and tail were sent decoded; invalid UTF-8 counts as its replacement).</summary>
    public long Bytes => Encoding.UTF8.GetByteCount(Head ?? "") + OmittedBytes + Encoding.UTF8.GetByteCount(Tail ?? "");
}
