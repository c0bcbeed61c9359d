using CortexHub.Grains.Terminal;
using static CortexHub.Grains.Tests.Terminal.TerminalScreenTextTests;

namespace CortexHub.Grains.Tests.Terminal;

// Escape and control sequences: motion, erasing, editing, regions, modes, strings, resize.
public sealed class TerminalScreenSequenceTests
{
    private const string Grid = "abcde\r\nfghij\r\nklmno\r\npqrst\r\nuvwxy";

    [Theory]
    [InlineData("\e[3;4H", 2, 3)]
    [InlineData("\e[3;4f", 2, 3)]
    [InlineData("\e[H", 0, 0)]
    [InlineData("\e[;3H", 0, 2)]
    [InlineData("\e[99;99H", 4, 9)]
    [InlineData("\e[3;4H\e[A", 1, 3)]
    [InlineData("\e[3;4H\e[2B", 4, 3)]
    [InlineData("\e[3;4H\e[9B", 4, 3)]
    [InlineData("\e[3;4H\e[C", 2, 4)]
    [InlineData("\e[3;4H\e[0C", 2, 4)]
    [InlineData("\e[3;4H\e[2D", 2, 1)]
    [InlineData("\e[3;4H\e[9D", 2, 0)]
    [InlineData("\e[3;4H\e[E", 3, 0)]
    [InlineData("\e[3;4H\e[2F", 0, 0)]
    [InlineData("\e[3;4H\e[7G", 2, 6)]
    [InlineData("\e[3;4H\e[7`", 2, 6)]
    [InlineData("\e[3;4H\e[2a", 2, 5)]
    [InlineData("\e[3;4H\e[5d", 4, 3)]
    [InlineData("\e[3;4H\e[e", 3, 3)]
    [InlineData("\e[3;4H\e[2I", 2, 9)]
    [InlineData("\e[3;9H\e[Z", 2, 0)]
    public void Feed_CursorMotion_MovesCursor(string sequence, int row, int column)
    {
        var screen = Screen(10, 5, sequence);

        Assert.Equal((row, column), screen.Cursor);
    }

    [Theory]
    [InlineData("\e[J", "abcde\nfghij\nkl")]
    [InlineData("\e[0J", "abcde\nfghij\nkl")]
    [InlineData("\e[1J", "\n\n   no\npqrst\nuvwxy")]
    [InlineData("\e[2J", "")]
    [InlineData("\e[3J", "abcde\nfghij\nklmno\npqrst\nuvwxy")]
    [InlineData("\e[K", "abcde\nfghij\nkl\npqrst\nuvwxy")]
    [InlineData("\e[1K", "abcde\nfghij\n   no\npqrst\nuvwxy")]
    [InlineData("\e[2K", "abcde\nfghij\n\npqrst\nuvwxy")]
    [InlineData("\e[2X", "abcde\nfghij\nkl  o\npqrst\nuvwxy")]
    [InlineData("\e[9X", "abcde\nfghij\nkl\npqrst\nuvwxy")]
    [InlineData("\e[@", "abcde\nfghij\nkl mn\npqrst\nuvwxy")]
    [InlineData("\e[2P", "abcde\nfghij\nklo\npqrst\nuvwxy")]
    [InlineData("\e[L", "abcde\nfghij\n\nklmno\npqrst")]
    [InlineData("\e[2M", "abcde\nfghij\nuvwxy")]
    [InlineData("\e[S", "fghij\nklmno\npqrst\nuvwxy")]
    [InlineData("\e[2T", "\n\nabcde\nfghij\nklmno")]
    [InlineData("\e[1;2;3;4;5T", "abcde\nfghij\nklmno\npqrst\nuvwxy")]
    public void Feed_EraseAndEdit_ChangesScreenNotCursor(string sequence, string text)
    {
        var screen = Screen(5, 5, Grid + "\e[3;3H" + sequence);

        Assert.Equal(text, screen.Text);
        if (sequence.EndsWith('L') || sequence.EndsWith('M'))
            Assert.Equal((2, 0), screen.Cursor);
        else
            Assert.Equal((2, 2), screen.Cursor);
    }

    [Fact]
    public void Feed_InsertMode_ShiftsLineRight()
    {
        var screen = Screen(6, 2, "abcd\e[2G\e[4hXY\e[4lZ");

        Assert.Equal("aXYZcd", screen.Text);
    }

    [Fact]
    public void Feed_InsertAndDeleteCharactersOverWideCharacter_KeepNoHalves()
    {
        var inserted = Screen(6, 2, "ab中d\e[4G\e[@");
        var deleted = Screen(6, 2, "ab中de\e[4G\e[P");
        var pushedOut = Screen(6, 2, "abcd中\e[1G\e[@");

        Assert.Equal("ab   d", inserted.Text);
        Assert.Equal("ab de", deleted.Text);
        Assert.Equal(" abcd", pushedOut.Text);
    }

    [Fact]
    public void Feed_Repeat_RepeatsLastCharacter()
    {
        var screen = Screen(10, 2, "-\e[4bx");

        Assert.Equal("-----x", screen.Text);
    }

    [Fact]
    public void Feed_ScrollRegion_LineFeedScrollsOnlyRegion()
    {
        var screen = Screen(5, 5, Grid + "\e[2;4r\e[4;1H\n\nZ");

        Assert.Equal("abcde\npqrst\n\nZ\nuvwxy", screen.Text);
        Assert.Equal((3, 1), screen.Cursor);
    }

    [Fact]
    public void Feed_ScrollRegion_SetsCursorHome()
    {
        var screen = Screen(5, 5, "\e[3;3H\e[2;4r");

        Assert.Equal((0, 0), screen.Cursor);
    }

    [Fact]
    public void Feed_ScrollRegionInvalid_Ignored()
    {
        var screen = Screen(5, 5, Grid + "\e[4;2r\e[5;1H\nZ");

        Assert.Equal("fghij\nklmno\npqrst\nuvwxy\nZ", screen.Text);
    }

    [Fact]
    public void Feed_ReverseIndexAtRegionTop_ScrollsRegionDown()
    {
        var screen = Screen(5, 5, Grid + "\e[2;4r\e[2;1H\eM\eMZ");

        Assert.Equal("abcde\nZ\n\nfghij\nuvwxy", screen.Text);
    }

    [Fact]
    public void Feed_IndexAndNextLine_MoveDown()
    {
        var screen = Screen(5, 3, "ab\eDc\eEd");

        Assert.Equal("ab\n  c\nd", screen.Text);
    }

    [Fact]
    public void Feed_CursorUpDownInsideRegion_StopAtMargins()
    {
        var screen = Screen(5, 6, "\e[2;4r\e[3;1H\e[9A");
        Assert.Equal((1, 0), screen.Cursor);

        screen.Feed("\e[9B"u8);
        Assert.Equal((3, 0), screen.Cursor);
    }

    [Fact]
    public void Feed_InsertAndDeleteLinesInRegion_StayInsideIt()
    {
        var inserted = Screen(5, 5, Grid + "\e[2;4r\e[3;1H\e[L");
        var deleted = Screen(5, 5, Grid + "\e[2;4r\e[2;1H\e[M");
        var outside = Screen(5, 5, Grid + "\e[2;4r\e[5;1H\e[L");

        Assert.Equal("abcde\nfghij\n\nklmno\nuvwxy", inserted.Text);
        Assert.Equal("abcde\nklmno\npqrst\n\nuvwxy", deleted.Text);
        Assert.Equal("abcde\nfghij\nklmno\npqrst\nuvwxy", outside.Text);
    }

    [Fact]
    public void Feed_OriginMode_PositionsRelativeToRegion()
    {
        var screen = Screen(5, 6, "\e[3;5r\e[?6h\e[1;1HA\e[9;2HB");

        Assert.Equal("\n\nA\n\n B", screen.Text);
        Assert.Equal((4, 2), screen.Cursor);
    }

    [Theory]
    [InlineData("\e7", "\e8")]
    [InlineData("\e[s", "\e[u")]
    [InlineData("\e[?1048h", "\e[?1048l")]
    public void Feed_SaveAndRestoreCursor_ReturnsToSavedPosition(string save, string restore)
    {
        var screen = Screen(10, 5, "\e[3;4H" + save + "\e[H\e[5;9H" + restore + "X");

        Assert.Equal("\n\n   X", screen.Text);
        Assert.Equal((2, 4), screen.Cursor);
    }

    [Fact]
    public void Feed_RestoreWithoutSave_GoesHome()
    {
        var screen = Screen(10, 5, "\e[3;4H\e8");

        Assert.Equal((0, 0), screen.Cursor);
    }

    [Fact]
    public void Feed_RestoreCursor_KeepsPendingWrap()
    {
        var screen = Screen(3, 3, "abc\e7\e[H\e8d");

        Assert.Equal("abc\nd", screen.Text);
    }

    [Fact]
    public void Feed_AlternateScreen1049_SavesCursorClearsAndRestores()
    {
        var screen = Screen(10, 4, "main\r\nprompt$ ");

        screen.Feed("\e[?1049h\e[H\e[2Jfull screen\e[3;1Hstatus"u8);
        Assert.True(screen.AlternateScreen);
        Assert.Equal("full scree\nn\nstatus", screen.Text);

        screen.Feed("\e[?1049l"u8);
        Assert.False(screen.AlternateScreen);
        Assert.Equal("main\nprompt$", screen.Text);
        Assert.Equal((1, 8), screen.Cursor);
    }

    [Fact]
    public void Feed_AlternateScreen1049Again_StartsBlank()
    {
        var screen = Screen(10, 4, "\e[?1049hfirst\e[?1049l\e[?1049h");

        Assert.Equal("", screen.Text);
    }

    [Fact]
    public void Feed_AlternateScreen47_SwitchesWithoutClearingOrMovingCursor()
    {
        var screen = Screen(10, 4, "main\e[?47halt\e[?47l");
        Assert.Equal("main", screen.Text);
        Assert.Equal((0, 7), screen.Cursor);

        screen.Feed("\e[?47h"u8);
        Assert.Equal("    alt", screen.Text);
    }

    [Fact]
    public void Feed_AlternateScreen1047_ClearedOnLeaving()
    {
        var screen = Screen(10, 4, "main\e[?1047halt\e[?1047l\e[?47h");

        Assert.Equal("", screen.Text);
    }

    [Theory]
    [InlineData("\e]0;window title\aX")]
    [InlineData("\e]0;window title\e\\X")]
    [InlineData("\e]8;;http://example.com\e\\X\e]8;;\e\\")]
    [InlineData("\ePq#0;2;0;0;0#0~~@@vv\e\\X")]
    [InlineData("\e_Gf=24,s=10;AAAA\e\\X")]
    [InlineData("\e^private\e\\X")]
    [InlineData("\eXstart of string\e\\X")]
    public void Feed_Strings_Swallowed(string output)
    {
        var screen = Screen(20, 3, output);

        Assert.Equal("X", screen.Text);
    }

    [Theory]
    [InlineData("\e[1;31;48;5;200;38:2::1:2:3mX\e[0m")]
    [InlineData("\e[?25l\e[?2004h\e[?1h\e=X\e[?25h")]
    [InlineData("\e[>4;1m\e[=1cX\e[6n\e[c")]
    [InlineData("\e[2 qX\e[18t")]
    [InlineData("\e[?1000h\e[?1006hX")]
    [InlineData("\e[<0;3;4MX")]
    [InlineData("\e[1;2$yX")]
    public void Feed_AttributesModesAndReports_Ignored(string output)
    {
        var screen = Screen(20, 3, output);

        Assert.Equal("X", screen.Text);
        Assert.Equal((0, 1), screen.Cursor);
    }

    [Fact]
    public void Feed_ControlInsideSequence_Executed()
    {
        var screen = Screen(10, 3, "ab\e[\r2Cc");

        Assert.Equal("abc", screen.Text);
    }

    [Fact]
    public void Feed_CancelInsideSequence_AbandonsIt()
    {
        var screen = Screen(10, 3, "a\e[2\u0018Jb\e]0;x\u001Ac");

        Assert.Equal("aJbc", screen.Text);
    }

    [Fact]
    public void Feed_EscapeInsideSequence_StartsNewOne()
    {
        var screen = Screen(10, 3, "abc\e[2\e[2GX");

        Assert.Equal("aXc", screen.Text);
    }

    [Fact]
    public void Feed_NonAsciiInsideSequence_Printed()
    {
        var screen = Screen(10, 3, "\e[é");

        Assert.Equal("é", screen.Text);
    }

    [Fact]
    public void Feed_TabStops_SetAndCleared()
    {
        var screen = Screen(20, 3, "\e[3G\eH\e[1G\tA\e[3g\e[1G\tB\e[3g\e[1G\tC");

        Assert.Equal("  A" + new string(' ', 16) + "C", screen.Text);
        Assert.Equal((0, 19), screen.Cursor);
    }

    [Fact]
    public void Feed_Decaln_FillsWithE()
    {
        var screen = Screen(3, 2, "\e#8");

        Assert.Equal("EEE\nEEE", screen.Text);
        Assert.Equal((0, 0), screen.Cursor);
    }

    [Fact]
    public void Feed_FullReset_ClearsEverything()
    {
        var screen = Screen(5, 3, "abc\e[2;3r\e[?1049hxyz\ec");

        Assert.False(screen.AlternateScreen);
        Assert.Equal("", screen.Text);
        Assert.Equal((0, 0), screen.Cursor);

        screen.Feed("1\n2\n3\n4"u8);
        Assert.Equal([" 2", "  3", "   4"], screen.Lines);
    }

    [Fact]
    public void Feed_SoftReset_ResetsRegionAndModesKeepsText()
    {
        var screen = Screen(5, 3, "abc\e[2;3r\e[?7l\e[!p\e[3;1H\n\n");

        Assert.Equal("", screen.Lines[2]);
        Assert.Equal("", screen.Lines[0]);
        Assert.Equal((2, 0), screen.Cursor);
    }

    [Fact]
    public void Resize_Smaller_KeepsTopLeftAndClampsCursor()
    {
        var screen = Screen(10, 5, "0123456789\r\nabcdefghij\r\nABCDEFGHIJ\r\n\r\nlast");

        screen.Resize(4, 2);

        Assert.Equal(4, screen.Columns);
        Assert.Equal(2, screen.Rows);
        Assert.Equal(["0123", "abcd"], screen.Lines);
        Assert.Equal((1, 3), screen.Cursor);
    }

    [Fact]
    public void Resize_Larger_KeepsContentAndAddsBlanks()
    {
        var screen = Screen(3, 2, "abc\r\nde");

        screen.Resize(6, 4);
        screen.Feed("\e[4;6HZ"u8);

        Assert.Equal(["abc", "de", "", "     Z"], screen.Lines);
    }

    [Fact]
    public void Resize_CutsWideCharacterAtNewEdge()
    {
        var screen = Screen(6, 2, "ab中");

        screen.Resize(3, 2);

        Assert.Equal("ab", screen.Text);
    }

    [Fact]
    public void Resize_ResetsScrollRegion()
    {
        var screen = Screen(5, 5, "a\e[2;3r");

        screen.Resize(5, 4);
        screen.Feed("\e[4;1H\nX"u8);

        Assert.Equal("\n\n\nX", screen.Text);
    }

    [Fact]
    public void Resize_OutOfRange_Throws()
    {
        var screen = new TerminalScreen(10, 5);

        Assert.Throws<ArgumentOutOfRangeException>(() => screen.Resize(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => screen.Resize(10, TerminalScreen.MaxRows + 1));
    }
}
