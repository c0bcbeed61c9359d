namespace CortexHub.Agent.Tests.Infrastructure;

/// <summary>Produces the bytes <c>seq 1 N</c> prints ("1\n2\n3\n…"), chunk by chunk, to check a large output stream.</summary>
public sealed class SeqOutput
{
    private readonly byte[] _line = new byte[24];
    private long _next = 1;
    private int _lineLength;
    private int _linePosition;

    /// <summary>True when <paramref name="actual"/> is exactly the next bytes of the sequence.</summary>
    public bool MatchesNext(ReadOnlySpan<byte> actual)
    {
        foreach (var b in actual)
        {
            if (_linePosition == _lineLength)
            {
                _next.TryFormat(_line, out _lineLength, default, System.Globalization.CultureInfo.InvariantCulture);
                _line[_lineLength++] = (byte)'\n';
                _linePosition = 0;
                _next++;
            }

            if (_line[_linePosition++] != b)
            {
                return false;
            }
        }

        return true;
    }
}
