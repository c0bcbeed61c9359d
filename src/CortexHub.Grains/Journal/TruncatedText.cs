using System.Globalization;
using System.Text;
using Orleans;

namespace CortexHub.Grains.Journal;

/// <summary>A kept head and tail of a stream with the exact number of bytes dropped between them.</summary>
/// <remarks>Record equality compares the arrays by reference, not by content.</remarks>
[GenerateSerializer, Alias("cortexhub.TruncatedText")]
public sealed record TruncatedText([property: Id(0)] byte[] Head, [property: Id(1)] long OmittedBytes, [property: Id(2)] byte[] Tail)
{
    public bool IsTruncated => OmittedBytes > 0;

    /// <summary>The marker line put between head and tail, e.g. <c>"\n[… 12345 bytes omitted …]\n"</c>.</summary>
    public static string OmissionMarker(long omittedBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"\n[… {omittedBytes} bytes omitted …]\n");

    /// <summary>Head and tail decoded as UTF-8 (invalid bytes become U+FFFD).</summary>
    public string ToDisplayString() => ToDisplayString(static bytes => Encoding.UTF8.GetString(bytes));

    /// <summary>
    /// Head, then the omission marker if anything was omitted, then tail; each decoded with
    /// <paramref name="decode"/> (for example <see cref="AnsiStripper.StripAll"/>).
    /// </summary>
    /// <remarks>
    /// When nothing was omitted, head and tail are contiguous and are decoded as one piece,
    /// so a character split between them is not damaged. When something was omitted, a
    /// multi-byte character or escape sequence cut at either edge may decode as U+FFFD or
    /// leave a remnant: the bytes that would complete it are gone.
    /// </remarks>
    public string ToDisplayString(Func<byte[], string> decode)
    {
        ArgumentNullException.ThrowIfNull(decode);
        if (!IsTruncated)
        {
            return decode(Tail.Length == 0 ? Head : [.. Head, .. Tail]);
        }

        return string.Concat(decode(Head), OmissionMarker(OmittedBytes), decode(Tail));
    }
}
