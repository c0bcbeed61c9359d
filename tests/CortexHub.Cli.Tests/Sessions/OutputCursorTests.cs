using System.Text;
using CortexHub.Cli.Sessions;

namespace CortexHub.Cli.Tests.Sessions;

public sealed class OutputCursorTests
{
    [Fact]
    public void FirstAttach_WithoutAfter_StartsAtTheHubsOffset_AndCountsWhatIsShown()
    {
        var cursor = new OutputCursor(null);

        Assert.Equal(0, cursor.Attached(1000));
        Assert.Equal("abc", Show(cursor, "abc"));

        Assert.Equal(1003, cursor.ResumeAfter);
    }

    [Fact]
    public void Reattach_AtTheResumeOffset_ShowsEveryNewByteOnce()
    {
        var cursor = new OutputCursor(0);
        cursor.Attached(0);
        Show(cursor, "hello ");

        Assert.Equal(0, cursor.Attached(cursor.ResumeAfter!.Value));
        Assert.Equal("world", Show(cursor, "world"));
        Assert.Equal(11, cursor.ResumeAfter);
    }

    [Fact]
    public void Reattach_HubReplaysFromEarlier_BytesAlreadyShownAreSkipped_AcrossFrames()
    {
        var cursor = new OutputCursor(0);
        cursor.Attached(0);
        Show(cursor, "abcdef");

        cursor.Attached(2); // "cdef" again, then new bytes
        Assert.Equal("", Show(cursor, "cd"));
        Assert.Equal("gh", Show(cursor, "efgh"));
        Assert.Equal(8, cursor.ResumeAfter);
    }

    [Fact]
    public void Reattach_HubNoLongerHasSomeBytes_ReportsTheGap_AndGoesOnFromWhatItHas()
    {
        var cursor = new OutputCursor(0);
        cursor.Attached(0);
        Show(cursor, "ab");

        Assert.Equal(8, cursor.Attached(10));
        Assert.Equal("xyz", Show(cursor, "xyz"));
        Assert.Equal(13, cursor.ResumeAfter);
    }

    private static string Show(OutputCursor cursor, string frame) => Encoding.UTF8.GetString(cursor.Accept(Encoding.UTF8.GetBytes(frame)).Span);
}
