using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace CortexHub.Grpc;

/// <summary>
/// Reads length-prefixed messages from a pipe, shared by the server (request body) and the client
/// (response body). Protocol violations become <see cref="GrpcStatusException"/>s whose detail says
/// what was wrong; payloads are parsed in place from the pipe's buffers.
/// </summary>
internal static class GrpcMessageReader
{
    /// <summary>
    /// Reads the next message, or returns null when the stream ended cleanly between messages.
    /// </summary>
    /// <param name="reader">The body to read.</param>
    /// <param name="parser">Parser of the message type.</param>
    /// <param name="maxMessageSize">Largest accepted payload; a larger frame is refused as soon as its header arrives.</param>
    /// <param name="messageEncoding">The peer's grpc-encoding header, or null.</param>
    /// <param name="cancellationToken">Cancels the wait for data.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader,
        MessageParser<T> parser,
        int maxMessageSize,
        string? messageEncoding,
        CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                throw new OperationCanceledException("Reading the message stream was cancelled.");
            }

            var buffer = result.Buffer;
            var consumed = false;
            try
            {
                if (TryReadMessage(ref buffer, parser, maxMessageSize, messageEncoding, out var message))
                {
                    consumed = true;
                    return message;
                }

                if (result.IsCompleted)
                {
                    if (buffer.IsEmpty)
                    {
                        return null;
                    }

                    throw new GrpcStatusException(StatusCode.Internal, DescribeIncomplete(buffer));
                }
            }
            finally
            {
                if (consumed)
                {
                    reader.AdvanceTo(buffer.Start);
                }
                else
                {
                    // Nothing complete yet: keep everything, and wait for more than what was examined.
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }

    /// <summary>
    /// Parses one frame from the start of <paramref name="buffer"/> and slices it off; false when the
    /// frame is not complete yet.
    /// </summary>
    public static bool TryReadMessage<T>(
        ref ReadOnlySequence<byte> buffer,
        MessageParser<T> parser,
        int maxMessageSize,
        string? messageEncoding,
        out T? message)
        where T : class, IMessage<T>
    {
        message = null;
        if (!GrpcFraming.TryReadHeader(buffer, out var flag, out var length))
        {
            return false;
        }

        if (length > (uint)maxMessageSize)
        {
            throw new GrpcStatusException(
                StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes).");
        }

        CheckCompressedFlag(flag, messageEncoding);

        var frameLength = GrpcProtocol.FrameHeaderSize + (long)length;
        if (buffer.Length < frameLength)
        {
            return false;
        }

        var payload = buffer.Slice(GrpcProtocol.FrameHeaderSize, length);
        try
        {
            message = parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new GrpcStatusException(
                new GrpcStatus(StatusCode.Internal, $"Failed to deserialize the received message as {typeof(T).Name}: {ex.Message}"),
                trailers: null,
                innerException: ex);
        }

        buffer = buffer.Slice(frameLength);
        return true;
    }

    private static void CheckCompressedFlag(byte flag, string? messageEncoding)
    {
        if (flag == 0)
        {
            return;
        }

        if (flag != 1)
        {
            throw new GrpcStatusException(StatusCode.Internal, $"Unexpected compressed flag value {flag} in message header (only 0 and 1 are valid).");
        }

        if (messageEncoding is null)
        {
            throw new GrpcStatusException(
                StatusCode.Internal,
                "Received a compressed message but no grpc-encoding was negotiated; only 'identity' is supported.");
        }

        if (string.Equals(messageEncoding, GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
        {
            throw new GrpcStatusException(
                StatusCode.Internal, "Received a compressed message with grpc-encoding 'identity'.");
        }

        throw new GrpcStatusException(
            StatusCode.Internal,
            $"Received a message compressed with grpc-encoding '{messageEncoding}', which is not supported; only 'identity' is.");
    }

    private static string DescribeIncomplete(in ReadOnlySequence<byte> buffer)
    {
        if (GrpcFraming.TryReadHeader(buffer, out _, out var length))
        {
            return $"Incomplete message: the stream ended after {buffer.Length - GrpcProtocol.FrameHeaderSize} of {length} payload bytes.";
        }

        return $"Incomplete message: the stream ended inside a message header ({buffer.Length} of {GrpcProtocol.FrameHeaderSize} bytes).";
    }
}
