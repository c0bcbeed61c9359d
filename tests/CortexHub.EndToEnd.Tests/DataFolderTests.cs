using System.Diagnostics;

namespace CortexHub.EndToEnd.Tests;

/// <summary>Where the embedded (SQLite) hub keeps its data when nothing is configured: <c>./data</c> of its working directory, which git ignores.</summary>
public sealed class DataFolderTests
{
    [Fact]
    public async Task Silo_NoDataSetting_StoresInDataOfItsWorkingDirectory()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("cortexhub-cwd-").FullName;
        try
        {
            await using (var silo = SiloProcess.Start(workingDirectory, new Dictionary<string, string?>(),
                "--CortexHub:Endpoints:BindAddress=127.0.0.1", $"--CortexHub:Endpoints:HttpPort={FreePorts.Next()}", $"--CortexHub:Endpoints:GrpcPort={FreePorts.Next()}"))
            {
                await silo.WaitForOutputAsync("Application started", TimeSpan.FromMinutes(3));
                silo.Terminate();
                Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            }

            Assert.True(File.Exists(Path.Combine(workingDirectory, "data", "cortexhub.db")), $"no data/cortexhub.db in {workingDirectory}");
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    /// <summary>The hub run from the checkout (the README's way) or from its project folder leaves nothing git would pick up.</summary>
    [Theory]
    [InlineData("data")]
    [InlineData("src/CortexHub.Silo/data")]
    public async Task DataFolder_InTheCheckout_IsGitIgnored(string folder)
    {
        foreach (var file in new[] { "cortexhub.db", "cortexhub.db-wal", "cortexhub.db-shm", "cortexhub.db.lock" })
        {
            var start = new ProcessStartInfo("git", ["check-ignore", "--quiet", "--no-index", $"{folder}/{file}"]) { WorkingDirectory = RepoPaths.Root };
            await using var git = new CapturedProcess(start);
            Assert.True(await git.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, $"git does not ignore {folder}/{file}");
        }
    }
}
