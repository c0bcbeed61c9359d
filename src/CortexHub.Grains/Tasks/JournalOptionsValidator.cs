using Microsoft.Extensions.Options;

namespace CortexHub.Grains.Tasks;

internal sealed class JournalOptionsValidator : IValidateOptions<JournalOptions>
{
    public ValidateOptionsResult Validate(string? name, JournalOptions options)
    {
        var errors = new List<string>();
        const string section = JournalOptions.SectionName;
        if (options.HeadBytes is < 0 or > JournalOptions.MaxBufferBytes || options.TailBytes is < 0 or > JournalOptions.MaxBufferBytes)
        {
            errors.Add($"{section}:HeadBytes and TailBytes must be between 0 and {JournalOptions.MaxBufferBytes}.");
        }

        if (options.FullLogCapBytes < 0)
        {
            errors.Add($"{section}:FullLogCapBytes cannot be negative.");
        }

        OptionChecks.Positive(errors, section, nameof(options.MaxThoughts), options.MaxThoughts);
        OptionChecks.Positive(errors, section, nameof(options.MaxThoughtBytes), options.MaxThoughtBytes);
        OptionChecks.Positive(errors, section, nameof(options.Retention), options.Retention);
        OptionChecks.Positive(errors, section, nameof(options.LostGrace), options.LostGrace);
        OptionChecks.Positive(errors, section, nameof(options.SnapshotEveryBytes), options.SnapshotEveryBytes);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
