using CortexHub.Cli.Commands;

namespace CortexHub.Cli.Tests.Commands;

/// <summary>Arguments become one bash command line that runs exactly them.</summary>
public sealed class ShellQuoteTests
{
    [Theory]
    [InlineData(new[] { "ls", "-la", "/tmp" }, "ls -la /tmp")]
    [InlineData(new[] { "sh", "-c", "echo hi; exit 3" }, "sh -c 'echo hi; exit 3'")]
    [InlineData(new[] { "echo", "it's", "" }, "echo 'it'\\''s' ''")]
    [InlineData(new[] { "echo", "$HOME", "*", "a\nb", "~" }, "echo '$HOME' '*' 'a\nb' '~'")]
    [InlineData(new[] { "KEY=v", "user@host:/p,q+r%" }, "KEY=v user@host:/p,q+r%")]
    public void Join_QuotesOnlyWhatBashWouldInterpret(string[] args, string expected) =>
        Assert.Equal(expected, ShellQuote.Join(args));

    [Fact]
    public async Task Join_RoundTripsThroughBash()
    {
        string[] args = ["printf", "<%s>", "a b", "it's", "$(id)", "`x`", "\\", "\"q\"", "", "tab\there", "ünï"];
        var start = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(ShellQuote.Join(args));
        using var bash = System.Diagnostics.Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.Equal(string.Concat(args.Skip(2).Select(a => $"<{a}>")), output);
    }
}
