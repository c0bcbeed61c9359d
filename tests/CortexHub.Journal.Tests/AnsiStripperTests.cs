using System.Text;

namespace CortexHub.Journal.Tests;

public sealed class AnsiStripperTests
{
    private static string Strip(string input) => AnsiStripper.StripAll(Encoding.UTF8.GetBytes(input));

    [Theory]
    [InlineData("\e[31mred\e[0m", "red")]
    [InlineData("\e[1;32;48;5;200mbold\e[m plain", "bold plain")]
    [InlineData("\e[38:2:255:0:0mtrue\e[39m", "true")]
    public void StripAll_Colors_RemovesSgr(string input, string expected)
    {
        Assert.Equal(expected, Strip(input));
    }

    [Theory]
    [InlineData("a\e[2Ab\e[10;20Hc\e[K\e[2J\e[?25ld\e[?1049h", "abcd")]
    [InlineData("\e[s\e[u\e[1 qx\e[!p", "x")]
    public void StripAll_CursorAndModeSequences_RemovesThem(string input, string expected)
    {
        Assert.Equal(expected, Strip(input));
    }

    [Theory]
    [InlineData("\e]0;my title\ahello", "hello")]
    [InlineData("\e]2;my title\e\\hello", "hello")]
    [InlineData("\e]8;;https://example.com\e\\link\e]8;;\e\\", "link")]
    [InlineData("\e]0;titr\u00e9 \u2713\a!", "!")]
    public void StripAll_OscWithBelOrSt_RemovesIt(string input, string expected)
    {
        Assert.Equal(expected, Strip(input));
    }

    [Theory]
    [InlineData("\ePq#0;2;0;0;0#0~~\e\\after", "after")]
    [InlineData("\eXsos\e\\a\e^pm\e\\b\e_apc\e\\c", "abc")]
    [InlineData("\eP1$r0m\a\nstill in dcs\e\\out", "out")]
    public void StripAll_ControlStrings_RemovesThemUpToSt(string input, string expected)
    {
        Assert.Equal(expected, Strip(input));
    }

    [Theory]
    [InlineData("\e(Bx\e)0y\e#8z\e%G!", "xyz!")]
    [InlineData("\e7a\e8b\eMc\e=d\e>e\ecf", "abcdef")]
    public void StripAll_OtherEscapes_RemovesThem(string input, string expected)
    {
        Assert.Equal(expected, Strip(input));
    }

    [Theory]
    [InlineData("one\r\ntwo\r\n", "one\ntwo\n")]
    [InlineData(" 10%\r 20%\r100%\n", " 10% 20%100%\n")]
    [InlineData("\r\r\n", "\n")]
    public void StripAll_CarriageReturns_CrLfBecomesLfAndLoneCrIsDropped(string input, string expected)
    {
        Assert.Equal(expected, Strip(input));
    }

    [Fact]
    public void StripAll_ControlCharacters_KeepsOnlyNewlineAndTab()
    {
        Assert.Equal("a\tb\ncdefg", Strip("a\tb\nc\0d\ae\bf\u007fg\f\v"));
    }

    [Fact]
    public void StripAll_NewlineInsideCsi_IsKept()
    {
        Assert.Equal("\nx", Strip("\e[3\n1mx"));
    }

    [Theory]
    [InlineData("\e]0;tit\u0018le", "le")]
    [InlineData("\e[31\u001Amx", "mx")]
    public void StripAll_CancelInsideSequence_AbandonsIt(string input, string expected)
    {
        Assert.Equal(expected, Strip(input));
    }

    [Fact]
    public void StripAll_EscInsideCsi_StartsNewSequence()
    {
        Assert.Equal("x", Strip("\e[31\e[32mx"));
    }

    [Fact]
    public void StripAll_NonAsciiInsideCsi_AbandonsItAndKeepsTheText()
    {
        Assert.Equal("\u00e9t\u00e9", Strip("\e[31\u00e9t\u00e9"));
    }

    [Fact]
    public void StripAll_Utf8Text_PassesThrough()
    {
        const string text = "h\u00e9llo \u2713 \U0001F600 \u4e2d\u6587";

        Assert.Equal(text, Strip(text));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE }, "\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 }, "a\uFFFD")]
    [InlineData(new byte[] { 0xC3 }, "\uFFFD")]
    [InlineData(new byte[] { 0xC0, 0x9B }, "\uFFFD\uFFFD")]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, "\uFFFD\uFFFD\uFFFD")]
    public void StripAll_InvalidUtf8_BecomesReplacementCharacters(byte[] input, string expected)
    {
        Assert.Equal(expected, AnsiStripper.StripAll(input));
    }

    [Fact]
    public void StripAll_Raw0x9B_IsNotTreatedAsCsi()
    {
        Assert.Equal("\uFFFD31mx", AnsiStripper.StripAll([0x9B, .. "31mx"u8]));
    }

    [Fact]
    public void StripAll_EscapeInsideMultiByteCharacter_BreaksTheCharacter()
    {
        // E2 82 AC is "€"; the escape sequence between its bytes cuts it, as in a terminal.
        byte[] input = [0xE2, 0x82, .. "\e[0m"u8, 0xAC];

        Assert.Equal("\uFFFD\uFFFD", AnsiStripper.StripAll(input));
    }

    [Fact]
    public void Strip_MultiByteCharacterSplitAcrossChunks_DecodesOnce()
    {
        var stripper = new AnsiStripper();

        string first = stripper.Strip([0x61, 0xE2, 0x82]);
        string second = stripper.Strip([0xAC, 0x62]);

        Assert.Equal("a", first);
        Assert.Equal("\u20acb", second);
        Assert.Equal(string.Empty, stripper.Flush());
    }

    [Fact]
    public void Flush_TruncatedCharacterAtEnd_YieldsReplacementCharacter()
    {
        var stripper = new AnsiStripper();

        Assert.Equal("a", stripper.Strip([0x61, 0xF0, 0x9F]));
        Assert.Equal("\uFFFD", stripper.Flush());
    }

    [Fact]
    public void Flush_UnfinishedSequence_DropsItAndResets()
    {
        var stripper = new AnsiStripper();

        Assert.Equal("ab", stripper.Strip("ab\e]0;tit"u8));
        Assert.Equal(string.Empty, stripper.Flush());
        Assert.Equal("next", stripper.Strip("next"u8));
    }

    private static readonly string[] Samples =
    [
        "\e[31mred\e[0m",
        "x\e]0;title\ay\e]2;t\e\\z",
        "\ePqdata\e\\\e(B\e)0\e#8\e7w",
        "a\r\nb\rc\e[3\n1md",
        "h\u00e9\u2713\U0001F600\e[1m\u4e2d\e[m",
        "\e[31\u00e9\e\u00e9\e]\u00e9\a.",
    ];

    public static TheoryData<string> SplitSamples() => new(Samples);

    [Theory]
    [MemberData(nameof(SplitSamples))]
    public void Strip_SplitAtEveryBoundary_MatchesWholeInput(string sample)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(sample);
        string whole = AnsiStripper.StripAll(bytes);

        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var stripper = new AnsiStripper();
            string split = stripper.Strip(bytes.AsSpan(0, cut)) + stripper.Strip(bytes.AsSpan(cut)) + stripper.Flush();

            Assert.True(whole == split, $"cut at byte {cut}: expected {Escape(whole)}, got {Escape(split)}");
        }
    }

    [Fact]
    public void Strip_OneByteAtATime_MatchesWholeInput()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(string.Concat(Samples));
        var stripper = new AnsiStripper();
        var text = new StringBuilder();

        foreach (byte b in bytes)
        {
            text.Append(stripper.Strip([b]));
        }

        text.Append(stripper.Flush());
        Assert.Equal(AnsiStripper.StripAll(bytes), text.ToString());
    }

    [Fact]
    public void Strip_WhenWarm_AllocatesOnlyTheResult()
    {
        var stripper = new AnsiStripper();
        byte[] chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\e[32mok\e[0m h\u00e9llo\r\n", 200)));
        for (int i = 0; i < 50; i++)
        {
            stripper.Strip(chunk);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        string result = stripper.Strip(chunk);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The string itself: header plus two bytes per char; nothing else of note.
        Assert.InRange(allocated, 0, 64 + (2L * result.Length));
    }

    private static string Escape(string s) =>
        string.Concat(s.Select(c => c < 0x20 || c > 0x7E ? $"\\u{(int)c:x4}" : c.ToString()));
}
