namespace CortexHub.Cli.Tests;

/// <summary>Fresh folders for config files and scripts, all under one root per test run, deleted when the run ends.</summary>
public static class TestDirectories
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Directory.CreateTempSubdirectory("cortex-cli-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return root;
    });

    public static string Create(string prefix) => Directory.CreateDirectory(Path.Combine(Root.Value, $"{prefix}-{Guid.NewGuid():N}")).FullName;
}
