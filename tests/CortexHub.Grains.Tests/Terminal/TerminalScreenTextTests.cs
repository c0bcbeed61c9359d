using System.Text;
using CortexHub.Grains.Terminal;

namespace CortexHub.Grains.Tests.Terminal;

// Characters and C0 controls: decoding, widths, wrapping, the cursor.
public sealed class TerminalScreenTextTests
{
    internal static TerminalScreen Screen(int columns, int rows, string output)
    {
        var screen = new TerminalScreen(columns, rows);
        screen.Feed(Encoding.UTF8.GetBytes(output));
        return screen;
    }

    [Fact]
    public void New_Blank_AllLinesEmptyCursorHome()
    {
        var screen = new TerminalScreen(80, 24);

        Assert.Equal(80, screen.Columns);
        Assert.Equal(24, screen.Rows);
        Assert.Equal(24, screen.Lines.Count);
        Assert.All(screen.Lines, line => Assert.Equal("", line));
        Assert.Equal("", screen.Text);
        Assert.Equal((0, 0), screen.Cursor);
    }

    [Theory]
    [InlineData(0, 24)]
    [InlineData(80, 0)]
    [InlineData(TerminalScreen.MaxColumns + 1, 24)]
    [InlineData(80, TerminalScreen.MaxRows + 1)]
    public void New_SizeOutOfRange_Throws(int columns, int rows)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TerminalScreen(columns, rows));
    }

    [Fact]
    public void Feed_CrLf_StartsNewLines()
    {
        var screen = Screen(20, 5, "one\r\ntwo\r\nthree");

        Assert.Equal("one\ntwo\nthree", screen.Text);
        Assert.Equal((2, 5), screen.Cursor);
    }

    [Fact]
    public void Feed_LineFeedAlone_KeepsColumn()
    {
        var screen = Screen(20, 5, "ab\ncd");

        Assert.Equal("ab\n  cd", screen.Text);
    }

    [Fact]
    public void Feed_CarriageReturn_OverwritesFromLineStart()
    {
        var screen = Screen(20, 3, "progress 10%\rprogress 100%\r\ndone");

        Assert.Equal("progress 100%\ndone", screen.Text);
    }

    [Fact]
    public void Feed_Backspace_MovesLeftAndStopsAtMargin()
    {
        var screen = Screen(20, 3, "abc\b\bX\b\b\b\bY");

        Assert.Equal("YXc", screen.Text);
        Assert.Equal((0, 1), screen.Cursor);
    }

    [Fact]
    public void Feed_Tab_GoesToNextStopOfEight()
    {
        var screen = Screen(20, 3, "a\tb\tc\td");

        Assert.Equal("a       b       c  d", screen.Lines[0]);
        Assert.Equal((0, 19), screen.Cursor);
    }

    [Fact]
    public void Feed_Bell_ShowsNothing()
    {
        var screen = Screen(20, 3, "a\ab");

        Assert.Equal("ab", screen.Text);
    }

    [Fact]
    public void Feed_LineFeedAtBottom_ScrollsUp()
    {
        var screen = Screen(10, 3, "1\r\n2\r\n3\r\n4");

        Assert.Equal(["2", "3", "4"], screen.Lines);
        Assert.Equal((2, 1), screen.Cursor);
    }

    [Fact]
    public void Feed_FullLine_DefersWrapUntilNextCharacter()
    {
        var screen = Screen(5, 3, "abcde");

        Assert.Equal("abcde", screen.Text);
        Assert.Equal((0, 4), screen.Cursor);

        screen.Feed("f"u8);

        Assert.Equal("abcde\nf", screen.Text);
        Assert.Equal((1, 1), screen.Cursor);
    }

    [Fact]
    public void Feed_FullLineThenCrLf_NoBlankLine()
    {
        var screen = Screen(5, 3, "abcde\r\nf");

        Assert.Equal("abcde\nf", screen.Text);
    }

    [Fact]
    public void Feed_WrapPendingThenCarriageReturn_OverwritesSameLine()
    {
        var screen = Screen(5, 3, "abcde\rX");

        Assert.Equal("Xbcde", screen.Text);
    }

    [Fact]
    public void Feed_WrapPendingThenBackspace_LeavesLastColumn()
    {
        var screen = Screen(5, 3, "abcde\bX");

        Assert.Equal("abcXe", screen.Text);
        Assert.Equal((0, 4), screen.Cursor);
    }

    [Fact]
    public void Feed_WrapAtBottom_Scrolls()
    {
        var screen = Screen(3, 2, "abcdefghi");

        Assert.Equal(["def", "ghi"], screen.Lines);
        Assert.Equal((1, 2), screen.Cursor);
    }

    [Fact]
    public void Feed_AutowrapOff_OverwritesLastColumn()
    {
        var screen = Screen(5, 3, "\e[?7labcdefg\e[?7h");

        Assert.Equal("abcdg", screen.Text);
    }

    [Fact]
    public void Feed_Utf8SplitAcrossCalls_Decodes()
    {
        var screen = new TerminalScreen(20, 3);
        var bytes = Encoding.UTF8.GetBytes("é€😀");

        foreach (var b in bytes)
            screen.Feed([b]);

        Assert.Equal("é€😀", screen.Text);
        Assert.Equal((0, 4), screen.Cursor); // 1 + 1 + 2 columns
    }

    [Fact]
    public void Feed_InvalidBytes_ShowReplacementCharacter()
    {
        var screen = new TerminalScreen(20, 3);

        screen.Feed([(byte)'a', 0xFF, (byte)'b', 0xC3, (byte)'c', 0xE2, 0x82]);
        screen.Feed([(byte)'d']);

        Assert.Equal("a\uFFFDb\uFFFDc\uFFFDd", screen.Text);
    }

    [Fact]
    public void Feed_WideCharacters_TakeTwoColumns()
    {
        var screen = Screen(10, 3, "中文ab");

        Assert.Equal("中文ab", screen.Text);
        Assert.Equal((0, 6), screen.Cursor);
    }

    [Fact]
    public void Feed_WideCharacterInLastColumn_WrapsWhole()
    {
        var screen = Screen(5, 3, "abcd中");

        Assert.Equal("abcd\n中", screen.Text);
        Assert.Equal((1, 2), screen.Cursor);
    }

    [Fact]
    public void Feed_NarrowOverHalfOfWide_BlanksTheOtherHalf()
    {
        var screen = Screen(10, 3, "中文\e[1GX\e[4GY");

        Assert.Equal("X  Y", screen.Text);
    }

    [Fact]
    public void Feed_CombiningMark_JoinsPreviousCharacter()
    {
        var screen = Screen(10, 3, "e\u0301a\u0308!");

        Assert.Equal("e\u0301a\u0308!", screen.Text);
        Assert.Equal((0, 3), screen.Cursor);
    }

    [Fact]
    public void Feed_CombiningMarkAfterWideCharacter_JoinsIt()
    {
        var screen = Screen(10, 3, "中\u0301x");

        Assert.Equal("中\u0301x", screen.Text);
    }

    [Fact]
    public void Feed_CombiningMarkWithWrapPending_JoinsLastColumn()
    {
        var screen = Screen(3, 2, "abc\u0301");

        Assert.Equal("abc\u0301", screen.Text);
        Assert.Equal((0, 2), screen.Cursor);
    }

    [Fact]
    public void Feed_DeleteAndC1Controls_ShowNothing()
    {
        var screen = Screen(10, 3, "a\u007Fb\u0085c");

        Assert.Equal("abc", screen.Text);
    }

    [Fact]
    public void Feed_DecLineDrawing_MapsToBoxCharacters()
    {
        var screen = Screen(10, 3, "\e(0lqk\e(B lqk \e)0\u000Eq\u000Fq");

        Assert.Equal("┌─┐ lqk ─q", screen.Text);
    }

    [Fact]
    public void Text_TrailingBlankLinesAndSpaces_Trimmed()
    {
        var screen = Screen(10, 5, "a  \r\n\r\nb   \r\n\r\n");

        Assert.Equal(["a", "", "b", "", ""], screen.Lines);
        Assert.Equal("a\n\nb", screen.Text);
    }

    [Fact]
    public void Feed_MixedOutputOneByteAtATime_SameAsOneFeed()
    {
        var output = Encoding.UTF8.GetBytes(
            "\e[?1049h\e[2;5r\e]0;title\a中文 e\u0301 😀\e[1;31mred\e[m\r\n\e[3;7Habc\eM\e[2@x\e[P" +
            "\ePq#0~~\e\\\e7\e[5;1Hbottom line that wraps past the margin\e8\e[K\e(0lqk\e(B\e[?1049l" +
            "after\tTAB\b\bX\e[10;10H\e[1K");
        var whole = new TerminalScreen(20, 6);
        whole.Feed(output);

        var bytewise = new TerminalScreen(20, 6);
        foreach (var b in output)
            bytewise.Feed([b]);

        Assert.Equal(whole.Lines, bytewise.Lines);
        Assert.Equal(whole.Cursor, bytewise.Cursor);
        Assert.Contains("after", whole.Text);
    }
}
