namespace CortexHub.Testing;

/// <summary>Paths inside the repository, found from the running test assembly.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CortexHub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"CortexHub.sln was not found above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootPath.Value;

    /// <summary>The built silo executable (<c>cortexhub-silo.dll</c>) of the same configuration as the running tests.</summary>
    public static string SiloDll => BuiltAssembly("CortexHub.Silo", "cortexhub-silo.dll");

    /// <summary>The build configuration of the running tests (Release or Debug).</summary>
    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string BuiltAssembly(string project, string fileName)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{fileName} is not built; build the solution first (dotnet build CortexHub.sln -c {Configuration}).", path);
    }
}
