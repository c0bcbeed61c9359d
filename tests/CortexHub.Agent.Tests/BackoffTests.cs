using CortexHub.Agent.Connection;

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
    public void Reset_AfterGrowth_StartsOverFromInitialDelay()
    {
        var backoff = new Backoff(Options, random: () => 1.0);
        for (var i = 0; i < 5; i++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.NextDelay());
        Assert.Equal(1, backoff.Attempt);
    }
}
