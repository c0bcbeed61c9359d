using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Limits;

internal sealed class InputLimitsValidator : IValidateOptions<InputLimits>
{
    public ValidateOptionsResult Validate(string? name, InputLimits options)
    {
        var errors = new List<string>();
        const string section = InputLimits.SectionName;
        OptionChecks.Positive(errors, section, nameof(options.MaxCommandLength), options.MaxCommandLength);
        OptionChecks.Positive(errors, section, nameof(options.MaxWorkingDirectoryLength), options.MaxWorkingDirectoryLength);
        OptionChecks.Positive(errors, section, nameof(options.MaxEnvironmentEntries), options.MaxEnvironmentEntries);
        OptionChecks.Positive(errors, section, nameof(options.MaxEnvironmentBytes), options.MaxEnvironmentBytes);
        OptionChecks.Positive(errors, section, nameof(options.MaxNodeNameLength), options.MaxNodeNameLength);
        OptionChecks.Positive(errors, section, nameof(options.MaxLabels), options.MaxLabels);
        OptionChecks.Positive(errors, section, nameof(options.MaxLabelLength), options.MaxLabelLength);
        OptionChecks.Positive(errors, section, nameof(options.MaxReasonLength), options.MaxReasonLength);
        OptionChecks.Positive(errors, section, nameof(options.MaxThoughtLength), options.MaxThoughtLength);
        OptionChecks.Positive(errors, section, nameof(options.MaxNodeTextLength), options.MaxNodeTextLength);
        OptionChecks.Positive(errors, section, nameof(options.MaxHelloRunningTasks), options.MaxHelloRunningTasks);
        OptionChecks.Positive(errors, section, nameof(options.HelloParallelism), options.HelloParallelism);
        OptionChecks.Positive(errors, section, nameof(options.MaxNodeMessageBytes), options.MaxNodeMessageBytes);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
