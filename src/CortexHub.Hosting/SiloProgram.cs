using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Hosting;

/// <summary>
/// Builds and runs the silo until SIGTERM/SIGINT. Failures a user can fix (storage unreachable,
/// invalid settings) end the process with a short message on stderr and a distinct exit code
/// instead of a stack trace; a stop that outruns its shutdown time is a warning, not an abort.
/// </summary>
public static class SiloProgram
{
    /// <summary>
    /// A builder for a silo whose appsettings.json ships beside the binary (relative data paths still
    /// resolve from the working directory). <paramref name="configure"/> runs before the composition
    /// reads configuration, so it can add configuration sources and services.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        return builder.AddCortexHubSilo();
    }

    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication? app = null;
        try
        {
            app = CreateBuilder(args).Build();
            app.MapCortexHub();
            await app.RunAsync();
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is OperationCanceledException || ex is AggregateException { InnerExceptions: var inner } && inner.All(e => e is OperationCanceledException))
        {
            // The stop ran out of shutdown time (a starved machine, a stuck store) in one or more
            // services (the host rethrows one cancellation as is, several aggregated). Every
            // acknowledged write is durable already and what the silo still held returns when its
            // leases expire: a warning and a normal exit, not an abort.
            Console.Error.WriteLine("cortexhub-silo: warning: did not finish stopping within the shutdown time; exiting anyway");
            return ExitCodes.Ok;
        }
        catch (Orleans.Runtime.OrleansLifecycleCanceledException)
        {
            // SIGTERM/SIGINT while the silo was still starting: a stop asked for, not a failure.
            Console.Error.WriteLine("cortexhub-silo: stopped while starting");
            return ExitCodes.Ok;
        }
        catch (StorageUnavailableException ex)
        {
            return Fail(app, ExitCodes.StorageUnavailable, ex, $"cortexhub-silo: storage is unavailable: {ex.Message}");
        }
        catch (StorageSchemaException ex)
        {
            return Fail(app, ExitCodes.StorageSchemaMismatch, ex, $"cortexhub-silo: the database schema does not match this version: {ex.Message}");
        }
        catch (OptionsValidationException ex)
        {
            return Fail(app, ExitCodes.InvalidConfiguration, ex, $"cortexhub-silo: invalid configuration:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", ex.Failures)}");
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(app, ExitCodes.InvalidConfiguration, ex, $"cortexhub-silo: cannot listen: {ex.Message} (set CortexHub:Endpoints:HttpPort / GrpcPort)");
        }
    }

    private static int Fail(WebApplication? app, int exitCode, Exception exception, string message)
    {
        app?.Logger.LogCritical(exception, "Silo failed to start (exit code {ExitCode})", exitCode);
        Console.Error.WriteLine(message);
        return exitCode;
    }
}
