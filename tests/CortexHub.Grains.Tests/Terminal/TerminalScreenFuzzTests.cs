using System.Text;
using CortexHub.Grains.Terminal;

namespace CortexHub.Grains.Tests.Terminal;

// Hostile output: random mixes of text, controls, sequences and broken UTF-8 (fixed seeds, so a
// failure repeats). The screen never throws, keeps its cursor on the screen, and does not depend on
// how the bytes were split.
public sealed class TerminalScreenFuzzTests
{
    private static readonly string[] Pieces =
    [
        "a", "Z", " ", "hello ", "中", "😀", "e\u0301", "\u0308", "\r", "\n", "\b", "\t", "\a", "\u000E", "\u000F", "\u0018", "\u001A",
        "\e", "\e[", "\e[?", ";", "0", "1", "7", "12", "999", "65536", "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "P",
        "S", "T", "X", "@", "b", "d", "r", "s", "u", "h", "l", "m", "g", "I", "Z", "`", "\e7", "\e8", "\eD", "\eE", "\eM", "\eH", "\ec",
        "\e(0", "\e(B", "\e)0", "\e#8", "\e]0;title", "\e\\", "\eP", "\e_", "\e[?1049h", "\e[?1049l", "\e[?47h", "\e[?1047l",
        "\e[?6h", "\e[?6l", "\e[?7l", "\e[?7h", "\e[4h", "\e[4l", "\e[!p", "\e[2;5r", "\e[r", "\e[1;1H", "\e[99;99H",
    ];

    [Theory]
    [InlineData(1, 20, 6)]
    [InlineData(2, 80, 24)]
    [InlineData(3, 1, 1)]
    [InlineData(4, 2, 3)]
    public void Feed_RandomOutputInRandomPieces_NeverThrowsAndMatchesOneFeed(int seed, int columns, int rows)
    {
        var random = new Random(seed);
        var output = RandomOutput(random, 40_000);

        var whole = new TerminalScreen(columns, rows);
        whole.Feed(output);

        var pieces = new TerminalScreen(columns, rows);
        for (var at = 0; at < output.Length;)
        {
            var length = Math.Min(random.Next(1, 40), output.Length - at);
            pieces.Feed(output.AsSpan(at, length));
            at += length;
            AssertCursorOnScreen(pieces);
        }

        Assert.Equal(whole.Lines, pieces.Lines);
        Assert.Equal(whole.Cursor, pieces.Cursor);
        Assert.Equal(whole.AlternateScreen, pieces.AlternateScreen);
    }

    [Fact]
    public void Resize_BetweenRandomOutput_NeverThrowsAndKeepsCursorOnScreen()
    {
        var random = new Random(5);
        var screen = new TerminalScreen(10, 5);
        for (var round = 0; round < 300; round++)
        {
            screen.Feed(RandomOutput(random, 300));
            screen.Resize(random.Next(1, 40), random.Next(1, 12));
            AssertCursorOnScreen(screen);
            Assert.Equal(screen.Rows, screen.Lines.Count);
            Assert.All(screen.Lines, line => Assert.True(line.EnumerateRunes().Count() <= screen.Columns * 3, line));
        }
    }

    private static void AssertCursorOnScreen(TerminalScreen screen)
    {
        Assert.InRange(screen.Cursor.Row, 0, screen.Rows - 1);
        Assert.InRange(screen.Cursor.Column, 0, screen.Columns - 1);
    }

    private static byte[] RandomOutput(Random random, int pieces)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < pieces; i++)
        {
            if (random.Next(20) == 0)
                bytes.Add((byte)random.Next(0x80, 0x100)); // a stray or truncated UTF-8 byte
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(Pieces[random.Next(Pieces.Length)]));
        }
        return [.. bytes];
    }
}
