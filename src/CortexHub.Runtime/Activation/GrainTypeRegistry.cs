namespace CortexHub.Runtime.Activation;

/// <summary>Maps grain interfaces and persisted type names to the registered grain classes.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainTypeInfo> _byInterface = [];
    private readonly Dictionary<string, GrainTypeInfo> _byName = new(StringComparer.Ordinal);

    public GrainTypeRegistry(IEnumerable<GrainRegistration> registrations)
    {
        foreach (var implementation in registrations.Select(r => r.Implementation).Distinct())
        {
            var info = new GrainTypeInfo(implementation);
            if (!_byName.TryAdd(info.Name, info))
            {
                throw new InvalidOperationException(
                    $"Grain type name '{info.Name}' is used by both {_byName[info.Name].Implementation.FullName} and {implementation.FullName}; give one a distinct [GrainType].");
            }

            foreach (var grainInterface in info.Interfaces.Where(i => i != typeof(IRemindable)))
            {
                if (!_byInterface.TryAdd(grainInterface, info))
                {
                    throw new InvalidOperationException(
                        $"Grain interface {grainInterface.FullName} is implemented by both {_byInterface[grainInterface].Implementation.FullName} and {implementation.FullName}.");
                }
            }
        }
    }

    public GrainTypeInfo ForInterface(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class implementing {grainInterface.FullName} is registered; add it with services.AddGrain<T>().");

    public bool TryGetByName(string name, out GrainTypeInfo info) => _byName.TryGetValue(name, out info!);
}
