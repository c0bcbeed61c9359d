using Microsoft.Extensions.Options;

namespace CortexHub.Storage.Sqlite;

internal sealed class SqliteStorageOptionsValidator : IValidateOptions<SqliteStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteStorageOptions options)
    {
        var errors = new List<string>();
        OptionChecks.Required(errors, SqliteStorageOptions.SectionName, nameof(options.DataDirectory), options.DataDirectory);
        OptionChecks.Required(errors, SqliteStorageOptions.SectionName, nameof(options.FileName), options.FileName);
        OptionChecks.Positive(errors, SqliteStorageOptions.SectionName, nameof(options.BusyTimeout), options.BusyTimeout);
        if (options.FileName?.IndexOfAny(['/', '\\']) >= 0)
        {
            errors.Add($"{SqliteStorageOptions.SectionName}:{nameof(options.FileName)} must be a file name, not a path (put the folder in {nameof(options.DataDirectory)}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
