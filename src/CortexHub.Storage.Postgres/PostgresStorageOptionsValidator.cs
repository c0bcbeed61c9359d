using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CortexHub.Storage.Postgres;

internal sealed partial class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresStorageOptions options)
    {
        var errors = new List<string>();
        OptionChecks.Required(errors, PostgresStorageOptions.SectionName, nameof(options.ConnectionString), options.ConnectionString);
        OptionChecks.Positive(errors, PostgresStorageOptions.SectionName, nameof(options.MaxPoolSize), options.MaxPoolSize);
        if (!SchemaName().IsMatch(options.Schema ?? ""))
        {
            errors.Add($"{PostgresStorageOptions.SectionName}:{nameof(options.Schema)} '{options.Schema}' must be 1-40 lower-case letters, digits or underscores, starting with a letter or underscore.");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException ex)
            {
                // The message names the bad keyword, never the value (it may hold a password).
                errors.Add($"{PostgresStorageOptions.SectionName}:{nameof(options.ConnectionString)} is not a valid connection string: {ex.Message}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$")]
    private static partial Regex SchemaName();
}
