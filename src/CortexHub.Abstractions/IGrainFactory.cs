namespace CortexHub;

/// <summary>Hands out references to grains. A reference is cheap; the grain is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrain"/> with the given key.</summary>
    /// <exception cref="ArgumentException">The key is empty or longer than <see cref="GrainId.MaxKeyLength"/>.</exception>
    /// <exception cref="InvalidOperationException">No grain class implements <typeparamref name="TGrain"/>.</exception>
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrain;
}
