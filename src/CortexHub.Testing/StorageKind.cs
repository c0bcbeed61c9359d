namespace CortexHub.Testing;

public enum StorageKind
{
    Sqlite,
    Postgres,
}
