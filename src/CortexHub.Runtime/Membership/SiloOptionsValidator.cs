using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Membership;

internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var errors = new List<string>();
        OptionChecks.Positive(errors, SiloOptions.SectionName, nameof(options.HeartbeatInterval), options.HeartbeatInterval);
        OptionChecks.Positive(errors, SiloOptions.SectionName, nameof(options.ShutdownTimeout), options.ShutdownTimeout);
        if (options.SiloTtl < options.HeartbeatInterval * 2)
        {
            errors.Add($"{SiloOptions.SectionName}:{nameof(options.SiloTtl)} ({options.SiloTtl}) must be at least twice {nameof(options.HeartbeatInterval)} ({options.HeartbeatInterval}), or live silos get declared dead.");
        }

        if (options.SiloId is { Length: > 128 })
        {
            errors.Add($"{SiloOptions.SectionName}:{nameof(options.SiloId)} is longer than 128 characters.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
