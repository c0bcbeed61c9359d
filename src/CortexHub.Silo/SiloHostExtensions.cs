using CortexHub.Runtime;
using CortexHub.Runtime.Membership;
using CortexHub.Storage.Postgres;
using CortexHub.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace CortexHub.Silo;

public static class SiloHostExtensions
{
    /// <summary>Composes the silo: runtime, the configured storage backend, logging and shutdown timing.</summary>
    public static WebApplicationBuilder AddCortexHubSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var provider = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>()?.Provider ?? StorageOptions.Sqlite;
        switch (provider.ToLowerInvariant())
        {
            case StorageOptions.Sqlite:
                builder.Services.AddCortexHubSqliteStorage(configuration);
                break;
            case StorageOptions.Postgres:
                builder.Services.AddCortexHubPostgresStorage(configuration);
                break;
            default:
                throw new OptionsValidationException(StorageOptions.SectionName, typeof(StorageOptions),
                    [$"{StorageOptions.SectionName}:Provider '{provider}' is not known; use '{StorageOptions.Sqlite}' or '{StorageOptions.Postgres}'."]);
        }

        builder.Services.AddCortexHubRuntime(configuration);
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<SiloOptions>>((host, silo) =>
            host.ShutdownTimeout = silo.Value.ShutdownTimeout + TimeSpan.FromSeconds(5));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        return builder;
    }
}
