namespace CortexHub.Storage.Tests;

public sealed class SqliteConformanceTests() : StoreConformanceTests(StorageKind.Sqlite)
{
    [Fact]
    public async Task SecondSiloOnSameFile_RefusesToStartNamingPostgres()
    {
        using var storage = await TestStorage.CreateAsync(StorageKind.Sqlite);
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { Storage = storage });

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(cluster.AddSiloAsync);

        Assert.Contains("in use by another silo", error.Message);
        Assert.Contains("PostgreSQL", error.Message);
    }
}
