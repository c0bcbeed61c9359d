using System.Text;
using CortexHub.Grains.Journal;
using CortexHub.Grains.Terminal;

namespace CortexHub.Grains.Tests.Terminal;

// Real programs on a real pseudo-terminal (python3's pty module), their output rendered and
// compared with the text each program meant to show. test.sh installs the programs (python3,
// less, vim, procps, ncurses-bin); a missing one fails the test.
public sealed class TerminalScreenRecordingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("screen-rec-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task PythonRepl_OnePlusOne_ShowsTwoUnderThePrompt()
    {
        await using var python = PtyProgram.Start(80, 24, _directory, "/usr/bin/python3", "-q");
        await python.WaitForScreenAsync(80, 24, s => s.Lines[0] == ">>>");

        await python.TypeAsync("1+1\r");
        var screen = await python.WaitForScreenAsync(80, 24, s => s.Lines[2] == ">>>");

        Assert.Equal(">>> 1+1\n2\n>>>", screen.Text);
        Assert.Equal((2, 4), screen.Cursor);

        await python.TypeAsync("exit()\r");
        Assert.Equal(0, await python.WaitForExitAsync());
        AssertSameScreenAtEverySplit(80, 24, python.Output);
    }

    [Fact]
    public async Task Clear_ThenEcho_ShowsOnlyWhatCameAfter()
    {
        await using var shell = PtyProgram.Start(40, 10, _directory, "sh", "-c", "echo before; echo more; clear; echo after");
        Assert.Equal(0, await shell.WaitForExitAsync());

        var screen = Render(40, 10, shell.Output);

        Assert.Equal("after", screen.Text);
        Assert.Equal((1, 0), screen.Cursor);
    }

    [Fact]
    public async Task TputCup_PutsTextWhereAsked()
    {
        await using var shell = PtyProgram.Start(40, 10, _directory, "sh", "-c",
            "clear; tput cup 5 10; printf X; tput cup 2 3; printf Y; tput cup 0 0; printf Z");
        Assert.Equal(0, await shell.WaitForExitAsync());

        var screen = Render(40, 10, shell.Output);

        Assert.Equal(["Z", "", "   Y", "", "", "          X", "", "", "", ""], screen.Lines);
        Assert.Equal((0, 1), screen.Cursor);
    }

    [Fact]
    public async Task Printf_LongLines_WrapAtTheMarginWithoutBlankLines()
    {
        var long45 = string.Concat(Enumerable.Range(0, 45).Select(i => (char)('a' + i % 26)));
        var exact20 = new string('=', 20);
        await using var shell = PtyProgram.Start(20, 8, _directory, "sh", "-c",
            $"printf '%s\\n%s\\n%s' '{long45}' '{exact20}' end");
        Assert.Equal(0, await shell.WaitForExitAsync());

        var screen = Render(20, 8, shell.Output);

        Assert.Equal([long45[..20], long45[20..40], long45[40..], exact20, "end", "", "", ""], screen.Lines);
        Assert.Equal((4, 3), screen.Cursor);
    }

    [Fact]
    public async Task LsColor_ShowsTheNamesWithoutColourCodes()
    {
        File.WriteAllText(Path.Combine(_directory, "alpha.txt"), "a");
        File.WriteAllText(Path.Combine(_directory, "beta.sh"), "b");
        Directory.CreateDirectory(Path.Combine(_directory, "gamma"));
        File.WriteAllText(Path.Combine(_directory, "δέλτα 中文"), "d");

        await using var coloured = PtyProgram.Start(80, 6, _directory, "sh", "-c", "chmod +x beta.sh; ls --color=always -C");
        Assert.Equal(0, await coloured.WaitForExitAsync());
        await using var plain = PtyProgram.Start(80, 6, _directory, "ls", "--color=never", "-C");
        Assert.Equal(0, await plain.WaitForExitAsync());

        // What ls meant: the same listing without colours (it aligns and quotes the names itself).
        var meant = Encoding.UTF8.GetString(plain.Output).TrimEnd();
        Assert.DoesNotContain('\e', meant);
        Assert.Contains("\e[", Encoding.UTF8.GetString(coloured.Output));
        Assert.Contains("'δέλτα 中文'", meant);
        Assert.Equal(meant, Render(80, 6, coloured.Output).Text);
    }

    [Fact]
    public async Task TopBatch_LastScreenfulIsTheLastLinesItPrinted()
    {
        await using var top = PtyProgram.Start(80, 24, _directory, "top", "-b", "-n", "1", "-w", "80");
        Assert.Equal(0, await top.WaitForExitAsync());

        // What top meant: its lines, as plain text; a screen of 24 rows shows the last 24.
        var plain = new AnsiStripper().Strip(top.Output).Split('\n');
        Assert.True(plain.Length > 30, "top printed fewer lines than a screenful");
        var expected = plain[^24..].Select(line => line.TrimEnd()).ToArray();
        var screen = Render(80, 24, top.Output);
        Assert.Equal(expected, screen.Lines);
        Assert.Contains(plain, line => line.Length == 80); // full-width lines: the deferred wrap matters
    }

    [Fact]
    public async Task Less_ShowsPageOnAlternateScreenAndRestoresOnQuit()
    {
        var lines = Enumerable.Range(1, 40).Select(i => $"line {i:D2} of the file").ToArray();
        File.WriteAllLines(Path.Combine(_directory, "numbers.txt"), lines);
        await using var less = PtyProgram.Start(60, 10, _directory, "sh", "-c", "echo prompt; less numbers.txt; echo done");

        var first = await less.WaitForScreenAsync(60, 10, s => s.Lines[8] == lines[8]);
        Assert.True(first.AlternateScreen);
        Assert.Equal(lines[..9], first.Lines.Take(9));
        Assert.Contains("numbers.txt", first.Lines[9]);

        await less.TypeAsync(" ");
        var second = await less.WaitForScreenAsync(60, 10, s => s.Lines[0] == lines[9]);
        Assert.Equal(lines[9..18], second.Lines.Take(9));
        Assert.Equal(":", second.Lines[9]);

        await less.TypeAsync("q");
        Assert.Equal(0, await less.WaitForExitAsync());
        var last = Render(60, 10, less.Output);
        Assert.False(last.AlternateScreen);
        Assert.Equal("prompt\ndone", last.Text);
        AssertSameScreenAtEverySplit(60, 10, less.Output);
    }

    [Fact]
    public async Task Vim_ShowsFileTildesAndStatusThenRestoresScreen()
    {
        File.WriteAllText(Path.Combine(_directory, "f.txt"), "hello world\nsecond line, ü and 中\n");
        await using var vim = PtyProgram.Start(50, 12, _directory, "sh", "-c", "echo shell; vim -u NONE -i NONE -N f.txt; echo back");

        // vim writes its status line first, then the text and the tildes.
        var screen = await vim.WaitForScreenAsync(50, 12, s => s.Lines[11].Contains("f.txt") && s.Lines[10] == "~");
        Assert.True(screen.AlternateScreen);
        Assert.Equal(["hello world", "second line, ü and 中"], screen.Lines.Take(2));
        Assert.All(screen.Lines.Skip(2).Take(9), line => Assert.Equal("~", line));
        Assert.StartsWith("\"f.txt\" 2L", screen.Lines[11]);
        Assert.Equal((0, 0), screen.Cursor);

        await vim.TypeAsync("jA!\e");
        screen = await vim.WaitForScreenAsync(50, 12, s => s.Lines[1].EndsWith('!'));
        Assert.Equal("second line, ü and 中!", screen.Lines[1]);

        await vim.TypeAsync(":q!\r");
        Assert.Equal(0, await vim.WaitForExitAsync());
        var last = Render(50, 12, vim.Output);
        Assert.False(last.AlternateScreen);
        Assert.Equal("shell\nback", last.Text);
        AssertSameScreenAtEverySplit(50, 12, vim.Output);
    }

    [Fact]
    public async Task BashReadline_EditedAndWrappedCommandLine_ShowsWhatWasTypedAndItsOutput()
    {
        await using var bash = PtyProgram.Start(30, 8, _directory, "sh", "-c", "export PS1='$ '; exec bash --norc --noprofile -i");
        await bash.WaitForScreenAsync(30, 8, s => s.Lines[0] == "$");

        // Readline redraws with cursor motion, insert and erase: type "helo", go back one, insert "l",
        // go to the end (Ctrl-E) and type past the right margin.
        var tail = new string('x', 30);
        await bash.TypeAsync("echo helo");
        await bash.TypeAsync("\e[Dl\u0005 " + tail + "\r");
        var screen = await bash.WaitForScreenAsync(30, 8, s => s.Lines[4] == "$");

        var typed = "$ echo hello " + tail;
        var printed = "hello " + tail;
        Assert.Equal([typed[..30], typed[30..], printed[..30], printed[30..], "$"], screen.Lines.Take(5));
        Assert.Equal((4, 2), screen.Cursor);

        await bash.TypeAsync("exit 3\r");
        Assert.Equal(3, await bash.WaitForExitAsync());
        AssertSameScreenAtEverySplit(30, 8, bash.Output);
    }

    private static TerminalScreen Render(int columns, int rows, byte[] output)
    {
        var screen = new TerminalScreen(columns, rows);
        screen.Feed(output);
        return screen;
    }

    /// <summary>Feeding the bytes in two pieces, split at each position, gives the screen one Feed gives.</summary>
    internal static void AssertSameScreenAtEverySplit(int columns, int rows, byte[] output)
    {
        var whole = Render(columns, rows, output);
        for (var split = 1; split < output.Length; split++)
        {
            var pieces = new TerminalScreen(columns, rows);
            pieces.Feed(output.AsSpan(0, split));
            pieces.Feed(output.AsSpan(split));
            if (pieces.Text != whole.Text || pieces.Cursor != whole.Cursor || pieces.AlternateScreen != whole.AlternateScreen)
                Assert.Fail($"split at byte {split} of {output.Length}: cursor {pieces.Cursor} vs {whole.Cursor}\n{pieces.Text}\n---\n{whole.Text}");
        }
    }
}
