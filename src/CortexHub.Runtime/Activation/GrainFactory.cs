using System.Reflection;

namespace CortexHub.Runtime.Activation;

/// <summary>Creates grain references bound to this silo's runtime.</summary>
internal sealed class GrainFactory(GrainTypeRegistry registry, GrainRuntime runtime) : IGrainFactory
{
    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrain
    {
        var type = registry.ForInterface(typeof(TGrain));
        var id = new GrainId(type.Name, key);
        var reference = DispatchProxy.Create<TGrain, GrainProxy>();
        ((GrainProxy)(object)reference).Initialize(runtime, type, id);
        return reference;
    }
}
