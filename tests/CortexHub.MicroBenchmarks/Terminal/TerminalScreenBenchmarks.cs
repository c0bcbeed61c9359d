using System.Text;
using BenchmarkDotNet.Attributes;
using CortexHub.Grains.Terminal;
using CortexHub.MicroBenchmarks.Journal;

namespace CortexHub.MicroBenchmarks.Terminal;

/// <summary>
/// <see cref="TerminalScreen.Feed"/> over 1 MiB of mixed output, as the hub renders a session's
/// retained bytes for <c>/screen</c>: a fresh 80×24 screen each time.
/// </summary>
[MemoryDiagnoser]
public class TerminalScreenBenchmarks
{
    private const int Bytes = 1024 * 1024;

    // Coloured build output scrolling by, then full-screen redraws (cursor addressing, erase,
    // a scroll region, wide characters), as an editor or top would send them.
    private static readonly byte[] Mixed = Build();

    [Benchmark]
    public (int, int) Feed1MiBMixed()
    {
        var screen = new TerminalScreen(80, 24);
        screen.Feed(Mixed);
        return screen.Cursor;
    }

    [Benchmark]
    public string Feed1MiBMixedAndRender()
    {
        var screen = new TerminalScreen(80, 24);
        screen.Feed(Mixed);
        return screen.Text;
    }

    private static byte[] Build()
    {
        var redraw = new StringBuilder("\e[?1049h\e[2;23r\e[H\e[2J");
        for (var row = 1; row <= 24; row++)
            redraw.Append($"\e[{row};1H\e[K  {row,3} │ 中文 naïve café — {new string('x', row * 2)}\e[1;33m*\e[m");
        redraw.Append("\e[23;1H\n\e[2;1H\eM\e[5;10H\e[3P\e[2@\e[?1049l");
        var redrawBytes = Encoding.UTF8.GetBytes(redraw.ToString());

        var output = new List<byte>(Bytes);
        while (output.Count < Bytes)
        {
            output.AddRange(ColouredOutput.Block.AsSpan(0, Math.Min(ColouredOutput.Block.Length, Bytes - output.Count)));
            output.AddRange(redrawBytes);
        }
        return [.. output.Take(Bytes)];
    }
}
