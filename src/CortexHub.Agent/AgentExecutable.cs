namespace CortexHub.Agent;

/// <summary>
/// Where the built agent is, for tests and tools that start it as a process:
/// <c>dotnet {DllPath} --hub … --node-id … --token …</c>.
/// </summary>
public static class AgentExecutable
{
    /// <summary>File name of the agent's entry assembly.</summary>
    public const string AssemblyFileName = "cortex-agent.dll";

    /// <summary>
    /// Full path of <c>cortex-agent.dll</c> as loaded in this process. A project that references the agent
    /// project gets it copied (with its runtimeconfig.json) into its own output folder, so this path runs with
    /// <c>dotnet</c>.
    /// </summary>
    public static string DllPath => typeof(AgentExecutable).Assembly.Location;

    /// <summary>The agent's version, as sent in Hello.</summary>
    public static string Version { get; } =
        typeof(AgentExecutable).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), inherit: false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
            .FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(AgentExecutable).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
