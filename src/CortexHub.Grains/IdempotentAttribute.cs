namespace CortexHub.Grains;

/// <summary>
/// Marks a grain interface method whose repetition has the same effect as one call. A call to it
/// that fails because the target silo is unreachable (it died and is not declared dead yet) is
/// retried until the grain answers from wherever it lives next, instead of failing the caller.
/// A method must not carry this unless a repeat after a lost answer is harmless.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;
