namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>A mutable value a lambda can update.</summary>
public sealed class StrongBox<T>
{
    public T Value = default!;
}
