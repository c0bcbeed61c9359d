using System.Text;

namespace CortexHub.MicroBenchmarks.Journal;

/// <summary>Terminal output as test runners and build tools print it: SGR colours, 256-colour codes, progress redraws, some UTF-8.</summary>
public static class ColouredOutput
{
    /// <summary>Size of <see cref="Block"/>: as much as a task's default tail keeps.</summary>
    public const int BlockBytes = 64 * 1024;

    /// <summary>One line of a test run: 91 bytes, 8 SGR sequences, two non-ASCII characters, CR LF.</summary>
    public static readonly byte[] Line = Encoding.UTF8.GetBytes(
        "\e[32m✓\e[0m \e[1mparser › handles nested blocks\e[0m \e[2m(12 ms)\e[0m \e[33mwarn: slow\e[0m\r\n");

    private static readonly string[] BlockLines =
    [
        "\e[32m✓\e[0m \e[1mparser › handles nested blocks\e[0m \e[2m(12 ms)\e[0m\r\n",
        "\e[31m✗\e[0m \e[1mlexer › rejects a lone surrogate\e[0m \e[2m(3 ms)\e[0m\r\n",
        "   \e[38;5;208mCompiling\e[0m cortexhub-agent v0.4.1 (/src/agent)\r\n",
        "\e[2K\e[1G[\e[36m=======>            \e[0m] 37% 1.2 MiB/s eta 4s\r",
        "\e]0;cargo build — step 12/40\a\e[1;34minfo\e[0m: fetched 18 crates in 2.31s\n",
        "plain text line without any escape sequence, as most output is\n",
    ];

    /// <summary>Whole lines of mixed output repeated up to <see cref="BlockBytes"/> (short by less than a line).</summary>
    public static readonly byte[] Block = BuildBlock();

    private static byte[] BuildBlock()
    {
        var block = new List<byte>(BlockBytes);
        for (var i = 0; ; i++)
        {
            var line = Encoding.UTF8.GetBytes(BlockLines[i % BlockLines.Length]);
            if (block.Count + line.Length > BlockBytes)
            {
                return [.. block];
            }

            block.AddRange(line);
        }
    }
}
