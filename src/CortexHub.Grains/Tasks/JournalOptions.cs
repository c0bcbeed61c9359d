namespace CortexHub.Grains.Tasks;

/// <summary>Task journal settings. Bound from <c>CortexHub:Journal</c>.</summary>
public sealed class JournalOptions
{
    public const string SectionName = "CortexHub:Journal";
    public const int DefaultHeadBytes = 16 * 1024;
    public const int DefaultTailBytes = 64 * 1024;
    public const int MaxBufferBytes = 4 * 1024 * 1024;
    public const long DefaultFullLogCapBytes = 8L * 1024 * 1024;
    public const int DefaultMaxThoughts = 200;
    public const int DefaultMaxThoughtBytes = 64 * 1024;
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(7);
    public static readonly TimeSpan DefaultLostGrace = TimeSpan.FromSeconds(60);
    public const int DefaultSnapshotEveryBytes = 1024 * 1024;

    /// <summary>Bytes kept from the start of stdout and of stderr. Default 16 KiB; a dispatch may override up to 4 MiB.</summary>
    public int HeadBytes { get; set; } = DefaultHeadBytes;

    /// <summary>Bytes kept from the end of stdout and of stderr. Default 64 KiB; a dispatch may override up to 4 MiB.</summary>
    public int TailBytes { get; set; } = DefaultTailBytes;

    /// <summary>Output stored in full per task; past it only head and tail remain (marked). Default 8 MiB.</summary>
    public long FullLogCapBytes { get; set; } = DefaultFullLogCapBytes;

    /// <summary>Thought entries kept per task (oldest dropped, counted). Default 200.</summary>
    public int MaxThoughts { get; set; } = DefaultMaxThoughts;

    /// <summary>Bytes of thought text kept per task. Default 64 KiB.</summary>
    public int MaxThoughtBytes { get; set; } = DefaultMaxThoughtBytes;

    /// <summary>How long a finished task's journal and result stay readable before a reminder purges them. Default 7 days.</summary>
    public TimeSpan Retention { get; set; } = DefaultRetention;

    /// <summary>A running task whose node stays away this long becomes <c>lost</c>. Default 60 seconds.</summary>
    public TimeSpan LostGrace { get; set; } = DefaultLostGrace;

    /// <summary>A waiter re-reads the task this often in case a completion hint was lost. Default 2 seconds.</summary>
    public TimeSpan WaitRecheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Output between two persisted buffer snapshots (bounds replay after a crash). Default 1 MiB.</summary>
    public int SnapshotEveryBytes { get; set; } = DefaultSnapshotEveryBytes;
}
