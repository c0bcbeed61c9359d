namespace CortexHub.Grains;

/// <summary>A request failed validation; <see cref="Errors"/> names each bad field (HTTP answers 400 with them).</summary>
public sealed class InvalidRequestException(IReadOnlyDictionary<string, string[]> errors)
    : ArgumentException("Invalid request: " + string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>Collects field errors and throws once at the end with all of them.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public Builder Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                (_errors.TryGetValue(field, out var list) ? list : _errors[field] = []).Add(message);
            }

            return this;
        }

        /// <summary>The errors found so far, by field (for an edge that answers them itself).</summary>
        public IReadOnlyDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

        public void ThrowIfAny()
        {
            if (_errors.Count > 0)
            {
                throw new InvalidRequestException(Errors);
            }
        }
    }
}
