namespace CortexHub.Grpc;

/// <summary>
/// The outcome of a call: a status code and a human-readable detail (sent as <c>grpc-message</c>).
/// </summary>
/// <param name="Code">The status code.</param>
/// <param name="Detail">The detail; empty when there is none.</param>
public readonly record struct GrpcStatus(StatusCode Code, string Detail)
{
    /// <summary>The status of a successful call.</summary>
    public static GrpcStatus Ok { get; } = new(StatusCode.OK, string.Empty);

    /// <inheritdoc />
    public override string ToString() =>
        Detail.Length == 0 ? $"Status(StatusCode=\"{Code}\")" : $"Status(StatusCode=\"{Code}\", Detail=\"{Detail}\")";
}
