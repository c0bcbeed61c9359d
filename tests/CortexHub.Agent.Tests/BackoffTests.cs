using CortexHub.Agent.Connection;
using CortexHub.Testing;

namespace CortexHub.Agent.Tests;

public sealed class BackoffTests
{
    private static readonly BackoffOptions Options = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(200),
        MaxDelay = TimeSpan.FromSeconds(30),
        Multiplier = 2,
    };

    [Fact]
    public void NextDelay_RandomAtItsTop_DoublesFromInitialUntilTheCap()
    {
        var backoff = new Backoff(Options, random: () => 1.0);

        var delays = Enumerable.Range(0, 12).Select(_ => backoff.NextDelay().TotalMilliseconds).ToList();

        Assert.Equal([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000, 30000], delays);
    }

    [Fact]
    public void NextDelay_ManyAttempts_NeverExceedsTheCapOrOverflows()
    {
        var backoff = new Backoff(Options, random: () => 1.0);

        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(backoff.NextDelay(), TimeSpan.Zero, Options.MaxDelay);
        }
    }

    [Fact]
    public void NextDelay_RealRandom_IsJitteredBetweenZeroAndTheCeiling()
    {
        var random = new Random(1234);
        var backoff = new Backoff(Options, random.NextDouble);
        for (var i = 0; i < 10; i++)
        {
            backoff.NextDelay(); // reach the cap
        }

        var delays = Enumerable.Range(0, 200).Select(_ => backoff.NextDelay()).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Options.MaxDelay));
        Assert.True(delays.Distinct().Count() > 150, "full jitter should spread the delays");
        Assert.Contains(delays, d => d < TimeSpan.FromSeconds(10));
        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void HubLost_AfterGrowth_StartsOverAtTheFirstStepAndStaysWithinTheOutageCeiling()
    {
        var time = new ManualTimeProvider();
        var backoff = new Backoff(Options, random: () => 1.0, time);
        for (var i = 0; i < 10; i++)
        {
            backoff.NextDelay(); // a long outage: the ceiling is at its cap
        }

        backoff.HubLost();
        var delays = Enumerable.Range(0, 8).Select(_ => backoff.NextDelay().TotalMilliseconds).ToList();

        // The hub answered moments ago: it is most likely restarting, so the node retries at least every second.
        Assert.Equal([200, 400, 800, 1000, 1000, 1000, 1000, 1000], delays);
    }

    [Fact]
    public void HubLost_OutageWindowOver_DelaysGrowOnToTheCap()
    {
        var time = new ManualTimeProvider();
        var backoff = new Backoff(Options, random: () => 1.0, time);
        backoff.HubLost();
        for (var i = 0; i < 6; i++)
        {
            backoff.NextDelay();
        }

        time.Advance(BackoffOptions.DefaultOutageWindow);

        // A hub gone this long is not restarting: the delays go on from where they grew underneath the cap.
        Assert.Equal(TimeSpan.FromMilliseconds(12_800), backoff.NextDelay());
        Assert.Equal(TimeSpan.FromMilliseconds(25_600), backoff.NextDelay());
        Assert.Equal(TimeSpan.FromSeconds(30), backoff.NextDelay());
    }
}
