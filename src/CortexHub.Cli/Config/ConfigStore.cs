using System.Text.Json;

namespace CortexHub.Cli.Config;

/// <summary>
/// Reads and writes <c>$XDG_CONFIG_HOME/cortex/config.json</c> (else <c>~/.config/cortex/config.json</c>).
/// Written whole through a temp file created mode 600, then renamed, so the key is never readable by others
/// and a crash never leaves half a file.
/// </summary>
public sealed class ConfigStore(string path)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnly | UnixFileMode.UserExecute;

    public string Path { get; } = path;

    /// <summary>The store at the standard location for <paramref name="context"/>'s environment.</summary>
    public static ConfigStore For(CliContext context)
    {
        var root = context.Variable("XDG_CONFIG_HOME")
            ?? System.IO.Path.Combine(context.Variable("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".config");
        return new ConfigStore(System.IO.Path.Combine(root, "cortex", "config.json"));
    }

    /// <summary>The saved config, or an empty one when there is no file.</summary>
    public CortexConfig Load()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new CortexConfig(null, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.NotLoggedIn, $"cannot read {Path}: {ex.Message}", ex);
        }

        try
        {
            return JsonSerializer.Deserialize<CortexConfig>(text, CliJson.Options) ?? new CortexConfig(null, null);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.NotLoggedIn, $"{Path} is not valid JSON ({ex.Message}); run cortex login again.", ex);
        }
    }

    public void Save(CortexConfig config)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        WriteSecret(directory, Path, JsonSerializer.Serialize(config, CliJson.Indented) + "\n", OwnerOnlyDirectory);
    }

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> readable by the owner only (a temp file then a rename).
    /// Also used for install scripts, which hold a node's token.
    /// </summary>
    public static void WriteSecret(string? directory, string path, string text, UnixFileMode? directoryMode = null)
    {
        directory = string.IsNullOrEmpty(directory) ? "." : directory;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows() || directoryMode is null)
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, directoryMode.Value);
            }
        }

        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var writer = new StreamWriter(temp, new System.Text.UTF8Encoding(false), options))
            {
                writer.Write(text);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp); // best effort: never leave a copy of a secret behind
            throw;
        }
    }
}
