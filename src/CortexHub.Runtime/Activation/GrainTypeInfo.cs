using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace CortexHub.Runtime.Activation;

/// <summary>A registered grain class: its persisted type name and how to construct it with DI.</summary>
internal sealed class GrainTypeInfo
{
    private readonly ObjectFactory _factory;

    public GrainTypeInfo(Type implementation)
    {
        if (!typeof(Grain).IsAssignableFrom(implementation) || implementation.IsAbstract)
        {
            throw new InvalidOperationException($"{implementation.FullName} must be a concrete class deriving from Grain.");
        }

        Implementation = implementation;
        Name = implementation.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? implementation.Name;
        Interfaces = [.. implementation.GetInterfaces().Where(i => typeof(IGrain).IsAssignableFrom(i) && i != typeof(IGrain))];
        foreach (var method in Interfaces.SelectMany(i => i.GetMethods()))
        {
            GrainMethodInvoker.Validate(method);
        }

        _factory = ActivatorUtilities.CreateFactory(implementation, Type.EmptyTypes);
    }

    public string Name { get; }

    public Type Implementation { get; }

    public IReadOnlyList<Type> Interfaces { get; }

    public Grain Create(IServiceProvider services) => (Grain)_factory(services, null);
}
