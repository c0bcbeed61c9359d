using Microsoft.Extensions.Options;

namespace CortexHub.Runtime;

internal sealed class GrainRuntimeOptionsValidator : IValidateOptions<GrainRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainRuntimeOptions options)
    {
        var errors = new List<string>();
        OptionChecks.Positive(errors, GrainRuntimeOptions.SectionName, nameof(options.IdleDeactivationAge), options.IdleDeactivationAge);
        OptionChecks.Positive(errors, GrainRuntimeOptions.SectionName, nameof(options.IdleCollectionInterval), options.IdleCollectionInterval);
        OptionChecks.Positive(errors, GrainRuntimeOptions.SectionName, nameof(options.ConflictBackoffBase), options.ConflictBackoffBase);
        OptionChecks.Positive(errors, GrainRuntimeOptions.SectionName, nameof(options.DeactivationTimeout), options.DeactivationTimeout);
        if (options.ConflictBackoffMax < options.ConflictBackoffBase)
        {
            errors.Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.ConflictBackoffMax)} must be at least {nameof(options.ConflictBackoffBase)}.");
        }

        if (options.MaxConflictAttempts is < 1 or > 100)
        {
            errors.Add($"{GrainRuntimeOptions.SectionName}:{nameof(options.MaxConflictAttempts)} must be between 1 and 100 (got {options.MaxConflictAttempts}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
