namespace CortexHub.Runtime.Activation;

/// <summary>A grain class added with <c>AddGrain&lt;T&gt;()</c>; collected from DI into the <see cref="GrainTypeRegistry"/>.</summary>
internal sealed record GrainRegistration(Type Implementation);
