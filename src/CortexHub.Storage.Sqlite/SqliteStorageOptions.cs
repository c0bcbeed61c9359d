namespace CortexHub.Storage.Sqlite;

/// <summary>Embedded storage settings. Bound from <c>CortexHub:Storage:Sqlite</c>.</summary>
public sealed class SqliteStorageOptions
{
    public const string SectionName = "CortexHub:Storage:Sqlite";
    public const string DefaultDataDirectory = "data";
    public const string DefaultFileName = "cortexhub.db";
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Folder holding the database and its lock file; created if missing. Default <c>data</c> (relative to the working directory).</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>Database file name inside <see cref="DataDirectory"/>. Default <c>cortexhub.db</c>.</summary>
    public string FileName { get; set; } = DefaultFileName;

    /// <summary>How long a statement waits for the write lock before failing. Default 30 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = DefaultBusyTimeout;

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, FileName));
}
