using System.Runtime.CompilerServices;
using System.Text;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Tasks;

namespace CortexHub.Api.Mcp;

/// <summary>A task's stored stream as byte chunks: raw as produced, or plain (ANSI/VT sequences stripped, invalid UTF-8 as U+FFFD).</summary>
internal static class StoredOutput
{
    public static async IAsyncEnumerable<byte[]> ReadAsync(ITaskGrain task, OutputStreamKind stream, bool plain, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stripper = plain ? new AnsiStripper() : null;
        await foreach (var chunk in TaskLogReader.ReadChunksAsync(task, stream, cancellationToken))
        {
            yield return stripper is null ? chunk : Encoding.UTF8.GetBytes(stripper.Strip(chunk));
        }

        if (stripper?.Flush() is { Length: > 0 } rest)
        {
            yield return Encoding.UTF8.GetBytes(rest);
        }
    }
}
