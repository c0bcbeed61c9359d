using Microsoft.Extensions.Options;

namespace CortexHub.Hosting.Cluster;

internal sealed class OrleansSiloOptionsValidator : IValidateOptions<OrleansSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansSiloOptions options)
    {
        var failures = new List<string>();
        var section = OrleansSiloOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{section}:ClusterId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{section}:ServiceId must not be empty.");
        }

        if (options.SiloPort is < 0 or > 65535 || options.GatewayPort is < 0 or > 65535)
        {
            failures.Add($"{section}:SiloPort and GatewayPort must be between 0 and 65535.");
        }

        if (options.ResponseTimeout <= TimeSpan.Zero || options.ProbeTimeout <= TimeSpan.Zero || options.TableRefreshTimeout <= TimeSpan.Zero
            || options.IAmAlivePublishTimeout <= TimeSpan.Zero || options.DeathVoteExpiration <= TimeSpan.Zero || options.MinimumReminderPeriod <= TimeSpan.Zero
            || options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}: every timeout and period must be positive.");
        }

        if (options.FailoverRetryTimeout < TimeSpan.Zero)
        {
            failures.Add($"{section}:FailoverRetryTimeout cannot be negative (zero turns retries off).");
        }

        if (options.ProbeTimeout * options.MissedProbesLimit >= options.DeathVoteExpiration)
        {
            failures.Add($"{section}:DeathVoteExpiration must be longer than ProbeTimeout x MissedProbesLimit (a suspicion would expire before it could be confirmed).");
        }

        if (options.MissedProbesLimit < 1 || options.VotesForDeathDeclaration < 1)
        {
            failures.Add($"{section}:MissedProbesLimit and VotesForDeathDeclaration must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
