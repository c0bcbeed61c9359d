using Microsoft.Extensions.Options;

namespace CortexHub.Runtime.Reminders;

internal sealed class ReminderOptionsValidator : IValidateOptions<ReminderOptions>
{
    public ValidateOptionsResult Validate(string? name, ReminderOptions options)
    {
        var errors = new List<string>();
        OptionChecks.Positive(errors, ReminderOptions.SectionName, nameof(options.PollInterval), options.PollInterval);
        OptionChecks.Positive(errors, ReminderOptions.SectionName, nameof(options.LeaseDuration), options.LeaseDuration);
        OptionChecks.Positive(errors, ReminderOptions.SectionName, nameof(options.BatchSize), options.BatchSize);
        OptionChecks.Positive(errors, ReminderOptions.SectionName, nameof(options.FailureRetryDelay), options.FailureRetryDelay);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
