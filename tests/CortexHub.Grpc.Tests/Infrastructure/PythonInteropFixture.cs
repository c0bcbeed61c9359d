using Xunit;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>
/// Checks that Debian's python3 with grpcio and grpc_tools is there and generates the Python stubs
/// of Protos/echo.proto into a temp folder, once per test class. A missing Python is a test failure,
/// never a skip: the interop proof must not silently disappear.
/// </summary>
public sealed class PythonInteropFixture : IAsyncLifetime
{
    private const string InstallHint = "apt-get install python3-grpcio python3-grpc-tools";

    private string? _problem;

    public string StubDirectory { get; } = Path.Combine(Path.GetTempPath(), $"cortexhub-grpc-py-{Guid.NewGuid():N}");

    public static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", name);

    public async Task InitializeAsync()
    {
        if (!File.Exists(PythonProcess.Interpreter))
        {
            _problem = $"{PythonProcess.Interpreter} does not exist.";
            return;
        }

        var probe = await PythonProcess.RunAsync(["-c", "import grpc, grpc_tools.protoc; print(grpc.__version__)"], TimeSpan.FromSeconds(30));
        if (probe.ExitCode != 0)
        {
            _problem = $"{PythonProcess.Interpreter} cannot import grpc and grpc_tools: {probe.StandardError.Trim()}";
            return;
        }

        Directory.CreateDirectory(StubDirectory);
        var protoDirectory = Path.Combine(AppContext.BaseDirectory, "Protos");
        var protoc = await PythonProcess.RunAsync(
            [
                "-m", "grpc_tools.protoc",
                $"-I{protoDirectory}",
                $"--python_out={StubDirectory}",
                $"--grpc_python_out={StubDirectory}",
                Path.Combine(protoDirectory, "echo.proto"),
            ],
            TimeSpan.FromSeconds(60));
        if (protoc.ExitCode != 0)
        {
            _problem = $"grpc_tools.protoc failed to generate the Python stubs of echo.proto:\n{protoc}";
        }
    }

    /// <summary>Fails the test with what is missing and how to install it.</summary>
    public void EnsureAvailable()
    {
        if (_problem is null)
        {
            return;
        }

        var onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Assert.Fail(onCi
            ? $"CI=true and the Python gRPC interop peer is not usable: {_problem} The CI machine must install it: {InstallHint}"
            : $"The Python gRPC interop peer is not usable: {_problem} Install it with: {InstallHint}");
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(StubDirectory))
        {
            Directory.Delete(StubDirectory, recursive: true);
        }

        return Task.CompletedTask;
    }
}
