using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Pool;

internal sealed class PoolOptionsValidator : IValidateOptions<PoolOptions>
{
    public ValidateOptionsResult Validate(string? name, PoolOptions options)
    {
        var errors = new List<string>();
        const string section = PoolOptions.SectionName;
        if (options.Shards is < 1 or > 1024)
        {
            errors.Add($"{section}:Shards must be between 1 and 1024 (got {options.Shards}).");
        }

        if (options.DefaultMaxAttempts is < 1 or > PoolOptions.MaxAttemptsLimit)
        {
            errors.Add($"{section}:DefaultMaxAttempts must be between 1 and {PoolOptions.MaxAttemptsLimit} (got {options.DefaultMaxAttempts}).");
        }

        OptionChecks.Positive(errors, section, nameof(options.DefaultVisibilityTimeout), options.DefaultVisibilityTimeout);
        OptionChecks.Positive(errors, section, nameof(options.RetryBaseDelay), options.RetryBaseDelay);
        OptionChecks.Positive(errors, section, nameof(options.RetryMaxDelay), options.RetryMaxDelay);
        OptionChecks.Positive(errors, section, nameof(options.OrphanGrace), options.OrphanGrace);
        OptionChecks.Positive(errors, section, nameof(options.DispatchGrace), options.DispatchGrace);
        OptionChecks.Positive(errors, section, nameof(options.ReaperInterval), options.ReaperInterval);
        OptionChecks.Positive(errors, section, nameof(options.StaleClaimAudit), options.StaleClaimAudit);
        OptionChecks.Positive(errors, section, nameof(options.DispatchPollInterval), options.DispatchPollInterval);
        OptionChecks.Positive(errors, section, nameof(options.Retention), options.Retention);
        OptionChecks.Positive(errors, section, nameof(options.DispatchParallelism), options.DispatchParallelism);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
