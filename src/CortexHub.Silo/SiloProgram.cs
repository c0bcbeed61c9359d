using CortexHub.Runtime;
using Microsoft.Extensions.Options;

namespace CortexHub.Silo;

/// <summary>
/// Builds and runs the silo until SIGTERM/SIGINT. Failures a user can fix (storage unreachable,
/// invalid settings) end the process with a short message on stderr and a distinct exit code
/// instead of a stack trace.
/// </summary>
public static class SiloProgram
{
    public static async Task<int> RunAsync(string[] args, Action<WebApplication> mapEndpoints)
    {
        WebApplication? app = null;
        try
        {
            // appsettings.json ships beside the binary; relative data paths still resolve from the working directory.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
            builder.AddCortexHubSilo();
            app = builder.Build();
            mapEndpoints(app);
            await app.RunAsync();
            return ExitCodes.Ok;
        }
        catch (StorageUnavailableException ex)
        {
            return Fail(app, ExitCodes.StorageUnavailable, ex, $"cortexhub-silo: storage is unavailable: {ex.Message}");
        }
        catch (OptionsValidationException ex)
        {
            return Fail(app, ExitCodes.InvalidConfiguration, ex, $"cortexhub-silo: invalid configuration:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", ex.Failures)}");
        }
    }

    private static int Fail(WebApplication? app, int exitCode, Exception exception, string message)
    {
        app?.Logger.LogCritical(exception, "Silo failed to start (exit code {ExitCode})", exitCode);
        Console.Error.WriteLine(message);
        return exitCode;
    }
}
