namespace CortexHub.Testing;

/// <summary>
/// Python stubs of a .proto generated at test time with Debian's python3-grpc-tools, for interop
/// tests against a real grpcio peer. A missing Python is a test failure, never a skip: the interop
/// proof must not silently disappear.
/// </summary>
public sealed class PythonGrpcStubs : IDisposable
{
    private const string InstallHint = "apt-get install python3-grpcio python3-grpc-tools (./test.sh does it)";
    private readonly string? _problem;

    private PythonGrpcStubs(string directory, string? problem)
    {
        Directory = directory;
        _problem = problem;
    }

    /// <summary>Folder holding the generated <c>*_pb2.py</c> and <c>*_pb2_grpc.py</c>; put it on PYTHONPATH.</summary>
    public string Directory { get; }

    public static async Task<PythonGrpcStubs> GenerateAsync(string protoRoot, string protoFile)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"cortexhub-py-{Guid.NewGuid():N}");
        if (!File.Exists(PythonProcess.Interpreter))
        {
            return new PythonGrpcStubs(directory, $"{PythonProcess.Interpreter} does not exist.");
        }

        var probe = await PythonProcess.RunAsync(["-c", "import grpc, grpc_tools.protoc; print(grpc.__version__)"], TimeSpan.FromSeconds(30));
        if (probe.ExitCode != 0)
        {
            return new PythonGrpcStubs(directory, $"{PythonProcess.Interpreter} cannot import grpc and grpc_tools: {probe.StandardError.Trim()}");
        }

        System.IO.Directory.CreateDirectory(directory);
        var protoc = await PythonProcess.RunAsync(
            ["-m", "grpc_tools.protoc", $"-I{protoRoot}", $"--python_out={directory}", $"--grpc_python_out={directory}", Path.Combine(protoRoot, protoFile)],
            TimeSpan.FromSeconds(60));
        return new PythonGrpcStubs(directory, protoc.ExitCode == 0 ? null : $"grpc_tools.protoc failed to generate the Python stubs of {protoFile}:\n{protoc}");
    }

    /// <summary>Throws (failing the test) with what is missing and how to install it.</summary>
    public void EnsureAvailable()
    {
        if (_problem is null)
        {
            return;
        }

        var onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        throw new InvalidOperationException(onCi
            ? $"CI=true and the Python gRPC interop peer is not usable: {_problem} The CI machine must install it: {InstallHint}"
            : $"The Python gRPC interop peer is not usable: {_problem} Install it with: {InstallHint}");
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
