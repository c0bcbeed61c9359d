using CortexHub.Cli.Output;

namespace CortexHub.Cli.Tests.Output;

public sealed class ProgressBarTests
{
    [Theory]
    [InlineData(0, "msg", "[                              ]   0% msg")]
    [InlineData(0.29, "", "[########                      ]  29%")]
    [InlineData(1, "done", "[##############################] 100% done")]
    [InlineData(7.5, "over", "[##############################] 100% over")]
    [InlineData(-1, "unknown", "[<=>                           ]      unknown")]
    [InlineData(double.NaN, "nan", "[<=>                           ]      nan")]
    [InlineData(0.5, "a\u001b[31mb\nc", "[###############               ]  50% a [31mb c")]
    public void Render_BarPercentAndMessage(double fraction, string message, string expected)
    {
        Assert.Equal(expected, ProgressBar.Render(fraction, message, 120));
    }

    [Fact]
    public void Render_LongMessage_CutToTheTerminalLessOneColumn()
    {
        var line = ProgressBar.Render(0.5, new string('m', 200), 60);

        Assert.Equal(59, line.Length);
        Assert.EndsWith("m…", line);
    }
}
