using System.Diagnostics;

namespace CortexHub.Grpc.Tests.Infrastructure;

/// <summary>Interop/echo_server.py running as a child process: a standard grpcio server on a free port.</summary>
public sealed class PythonGrpcServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private PythonGrpcServer(Process process, int port, Task<string> stderr)
    {
        _process = process;
        Port = port;
        _stderr = stderr;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public static async Task<PythonGrpcServer> StartAsync(string stubDirectory)
    {
        var process = PythonProcess.Start(
            [PythonInteropFixture.ScriptPath("echo_server.py"), "--stubs", stubDirectory], redirectInput: true);
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // The script prints its port once it serves; nothing else comes before it.
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"echo_server.py did not report its port (got '{line}'): {await stderr.WaitAsync(TimeSpan.FromSeconds(5))}");
            }

            return new PythonGrpcServer(process, int.Parse(line["PORT ".Length..], System.Globalization.CultureInfo.InvariantCulture), stderr);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Closing stdin is the script's signal to stop; kill only if it does not.
        _process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _stderr;
        _process.Dispose();
    }
}
