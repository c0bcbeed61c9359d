using System.Text;
using CortexHub.Cli.Output;

namespace CortexHub.Cli.Tests.Output;

public sealed class PlainTextRendererTests
{
    [Theory]
    [InlineData("10%\r50%\r100%\n", "100%\n")]
    [InlineData("abcdef\rxy\n", "xycdef\n")]
    [InlineData("line\r\n", "line\n")]
    [InlineData("a\r\r\nb\n", "a\nb\n")]
    [InlineData("\u001b[32mok\u001b[0m\r\u001b[2Kdone\n", "done\n")]
    [InlineData("no newline\rlast", "lastewline")]
    [InlineData("", "")]
    public void Render_WholeText_AsATerminalLeavesIt(string raw, string expected)
    {
        Assert.Equal(expected, RenderInChunks(raw, Encoding.UTF8.GetByteCount(raw) + 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Render_SplitAnywhere_SameAsWhole(int chunkSize)
    {
        const string Raw = "€ 1/3\r€ 2/3\r€ 3/3\r\n\u001b[1mbold\u001b[0m\rB\n";

        Assert.Equal("€ 3/3\nBold\n", RenderInChunks(Raw, chunkSize));
    }

    [Fact]
    public void Render_HoldsTheCurrentLineUntilItsNewline()
    {
        var renderer = new PlainTextRenderer();

        Assert.Equal("", renderer.Render("50%"u8));
        Assert.Equal("100%\n", renderer.Render("\r100%\n"u8));
        Assert.Equal("", renderer.Render("tail"u8));
        Assert.Equal("tail", renderer.Flush());
    }

    private static string RenderInChunks(string raw, int chunkSize)
    {
        var bytes = Encoding.UTF8.GetBytes(raw);
        var renderer = new PlainTextRenderer();
        var output = new StringBuilder();
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            output.Append(renderer.Render(bytes.AsSpan(i, Math.Min(chunkSize, bytes.Length - i))));
        }

        return output.Append(renderer.Flush()).ToString();
    }
}
