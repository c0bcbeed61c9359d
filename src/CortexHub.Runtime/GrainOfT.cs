using System.Text.Json;
using CortexHub.Runtime.Activation;

namespace CortexHub.Runtime;

/// <summary>
/// A grain with persisted state of type <typeparamref name="TState"/> (best a sealed record,
/// replaced with <c>with</c> rather than mutated). State is loaded before
/// <see cref="Grain.OnActivateAsync"/>; <see cref="WriteStateAsync"/> names the version it read,
/// and a stale write makes the runtime drop this activation, reload and retry the call.
/// </summary>
public abstract class Grain<TState> : Grain where TState : class, new()
{
    private TState _state = new();
    private TState? _persisted;

    /// <summary>The state as this activation sees it. Replace it, then call <see cref="WriteStateAsync"/>.</summary>
    protected TState State
    {
        get => _state;
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The stored version this activation read or last wrote (0 when nothing is stored).</summary>
    protected long StateVersion { get; private set; }

    /// <summary>Persists <see cref="State"/> if storage still holds <see cref="StateVersion"/>.</summary>
    /// <exception cref="GrainVersionConflictException">Another activation wrote first; the runtime retries the call.</exception>
    protected async Task WriteStateAsync()
    {
        var payload = JsonSerializer.Serialize(_state, Context.Runtime.StateSerializerOptions);
        var snapshot = _state;
        try
        {
            StateVersion = await Context.Runtime.StateStore.GrainStateWriteAsync(GrainId, payload, StateVersion, Context.Runtime.Time.GetUtcNow());
            _persisted = snapshot;
        }
        catch
        {
            // Whatever happened, memory may now be ahead of storage: never let a later write
            // commit this change silently. The runtime drops the activation after this turn.
            Context.StateIsSuspect = true;
            throw;
        }
    }

    /// <summary>Resets the state to a new <typeparamref name="TState"/> and clears it in storage (the version keeps growing).</summary>
    protected async Task ClearStateAsync()
    {
        try
        {
            StateVersion = await Context.Runtime.StateStore.GrainStateClearAsync(GrainId, StateVersion, Context.Runtime.Time.GetUtcNow());
            _state = new TState();
            _persisted = _state;
        }
        catch
        {
            Context.StateIsSuspect = true;
            throw;
        }
    }

    /// <summary>
    /// Re-reads the state if storage holds a newer version (another silo's activation wrote it).
    /// Calls run where they are made, so a read that must see other silos' writes calls this first;
    /// writes need not: their version check already catches staleness.
    /// </summary>
    protected async Task RefreshStateAsync()
    {
        var record = await Context.Runtime.StateStore.GrainStateReadAsync(GrainId);
        if (record.Version != StateVersion)
        {
            StateVersion = record.Version;
            _state = record.Payload is null ? new TState() : Deserialize(record.Payload);
            _persisted = _state;
        }
    }

    internal override async Task LoadStateAsync(CancellationToken cancellationToken)
    {
        var record = await Context.Runtime.StateStore.GrainStateReadAsync(GrainId, cancellationToken);
        StateVersion = record.Version;
        _state = record.Payload is null ? new TState() : Deserialize(record.Payload);
        _persisted = _state;
    }

    internal override bool HasUnsavedState => !ReferenceEquals(_state, _persisted);

    internal override Task SaveStateAsync(CancellationToken cancellationToken) => WriteStateAsync();

    private TState Deserialize(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<TState>(payload, Context.Runtime.StateSerializerOptions)
                ?? throw new GrainStateCorruptException(GrainId.Type, GrainId.Key, "the stored payload is JSON null.");
        }
        catch (JsonException ex)
        {
            throw new GrainStateCorruptException(GrainId.Type, GrainId.Key, $"{typeof(TState).Name} cannot be read from the stored payload ({ex.Message})", ex);
        }
    }
}
