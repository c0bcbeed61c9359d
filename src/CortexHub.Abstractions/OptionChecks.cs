namespace CortexHub;

/// <summary>Shared wording for option validators, so every bad setting names its full configuration key.</summary>
public static class OptionChecks
{
    public static void Positive(List<string> errors, string section, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{section}:{name} must be positive (got {value}).");
        }
    }

    public static void Positive(List<string> errors, string section, string name, int value)
    {
        if (value <= 0)
        {
            errors.Add($"{section}:{name} must be positive (got {value}).");
        }
    }

    public static void Required(List<string> errors, string section, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{section}:{name} is required.");
        }
    }
}
