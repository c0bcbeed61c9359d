namespace CortexHub.Storage.Tests;

public sealed class PostgresConformanceTests() : StoreConformanceTests(StorageKind.Postgres);
