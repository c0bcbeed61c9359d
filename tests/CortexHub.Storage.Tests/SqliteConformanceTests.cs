namespace CortexHub.Storage.Tests;

public sealed class SqliteConformanceTests() : StoreConformanceTests(StorageKind.Sqlite);
