using CortexHub.Cli.Sessions;

namespace CortexHub.Cli.Tests.Sessions;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void NextDelay_DoublesUpToTheMaximum_ThenGivesUpAfterTheOutageLimit()
    {
        var time = new ManualTimeProvider();
        var backoff = new ReconnectBackoff(time);
        var delays = new List<TimeSpan>();

        while (backoff.NextDelay() is { } delay)
        {
            delays.Add(delay);
            time.Advance(delay);
        }

        Assert.Equal([250, 500, 1000, 2000, 4000, 5000, 5000], delays.Take(7).Select(d => (int)d.TotalMilliseconds));
        Assert.True(delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d) >= ReconnectBackoff.MaxOutage);
        Assert.True(backoff.InOutage);
    }

    [Fact]
    public void Reset_AfterASuccess_StartsTheNextOutageAfresh()
    {
        var time = new ManualTimeProvider();
        var backoff = new ReconnectBackoff(time);
        backoff.NextDelay();
        time.Advance(TimeSpan.FromSeconds(59));
        backoff.NextDelay();

        backoff.Reset();
        time.Advance(TimeSpan.FromSeconds(30));

        Assert.False(backoff.InOutage);
        Assert.Equal(ReconnectBackoff.InitialDelay, backoff.NextDelay());
    }
}
