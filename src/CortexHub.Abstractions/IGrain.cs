namespace CortexHub;

/// <summary>
/// Marker for grain interfaces. Every method of a grain interface returns <see cref="Task"/>,
/// <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>;
/// a call runs as one turn of the grain's activation, after every call that arrived before it.
/// </summary>
public interface IGrain;
