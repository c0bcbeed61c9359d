using System.Reflection;

namespace CortexHub.Runtime.Activation;

/// <summary>
/// A grain reference: implements the grain interface at run time (<see cref="DispatchProxy"/>) and
/// forwards every call into the grain's mailbox on this silo.
/// </summary>
public class GrainProxy : DispatchProxy
{
    private GrainRuntime? _runtime;
    private GrainTypeInfo? _type;

    internal GrainRuntime Runtime => _runtime!;

    internal GrainTypeInfo Type => _type!;

    internal GrainId Id { get; private set; }

    internal void Initialize(GrainRuntime runtime, GrainTypeInfo type, GrainId id)
    {
        _runtime = runtime;
        _type = type;
        Id = id;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        GrainMethodInvoker.For(targetMethod!).Invoke(this, args ?? []);

    public override string ToString() => $"GrainReference({Id})";
}
