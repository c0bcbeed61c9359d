using Xunit;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>Generates the Python stubs of Protos/echo.proto once per test class.</summary>
public sealed class PythonInteropFixture : IAsyncLifetime
{
    private PythonGrpcStubs? _stubs;

    public string StubDirectory => _stubs!.Directory;

    public static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", name);

    public async Task InitializeAsync() =>
        _stubs = await PythonGrpcStubs.GenerateAsync(Path.Combine(AppContext.BaseDirectory, "Protos"), "echo.proto");

    /// <summary>Fails the test with what is missing and how to install it.</summary>
    public void EnsureAvailable() => _stubs!.EnsureAvailable();

    public Task DisposeAsync()
    {
        _stubs?.Dispose();
        return Task.CompletedTask;
    }
}
