using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Runtime.Tests;

internal static class ServiceProviderExtensions
{
    /// <summary>Activation slots currently in the silo's directory.</summary>
    public static int GetActivationCount(this IServiceProvider services) => services.GetRequiredService<GrainRuntime>().Directory.Count;
}
