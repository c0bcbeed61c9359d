using CortexHub.Grains.Users;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CortexHub.Api;

/// <summary>
/// On start, makes sure the <c>admin</c> user exists: with <see cref="ApiOptions.AdminKey"/> when
/// configured, else with a new key printed once to standard output (and never again: only its
/// hash is stored). Silos starting together race safely: the user grain has one activation, so one creates and the other is told it exists.
/// </summary>
internal sealed partial class AdminBootstrap(Orleans.IGrainFactory grains, IOptions<ApiOptions> options, ILogger<AdminBootstrap> logger) : IHostedService
{
    public const string AdminUserId = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = grains.GetGrain<IUserGrain>(AdminUserId);
        if ((await admin.GetAsync()).Exists)
        {
            return;
        }

        try
        {
            var key = await admin.CreateAsync("Administrator", UserRole.Admin, options.Value.AdminKey);
            if (options.Value.AdminKey is null)
            {
                Console.Out.WriteLine($"""

                    CortexHub created the admin user. Its API key (shown only this once):

                        {key}

                    Use it as: export CORTEX_API_KEY='{key}'   (or Authorization: Bearer <key>)

                    """);
            }

            LogAdminCreated(options.Value.AdminKey is null ? "printed once to standard output" : "from configuration");
        }
        catch (InvalidOperationException)
        {
            // Another silo created it at the same moment.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(6002, LogLevel.Warning, "Created the admin user (key {KeySource})")]
    private partial void LogAdminCreated(string keySource);
}
