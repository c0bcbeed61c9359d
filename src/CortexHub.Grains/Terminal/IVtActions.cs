namespace CortexHub.Grains.Terminal;

/// <summary>What <see cref="VtParser"/> found in the stream, in order.</summary>
internal interface IVtActions
{
    /// <summary>A character to show (any code point from U+0020 except DEL and C1 controls).</summary>
    void Print(int codePoint);

    /// <summary>A C0 control (below U+0020), other than ESC, CAN and SUB.</summary>
    void Execute(int control);

    /// <summary><c>ESC [intermediate] final</c>; <paramref name="intermediate"/> is '\0' when absent.</summary>
    void EscapeDispatch(char intermediate, char final);

    /// <summary>
    /// <c>CSI [prefix] parameters [intermediate] final</c>. An absent or empty parameter is 0;
    /// <paramref name="prefix"/> ('?', '&gt;', '&lt;', '=') and <paramref name="intermediate"/> are '\0'
    /// when absent. The span is only valid during the call.
    /// </summary>
    void CsiDispatch(char prefix, ReadOnlySpan<int> parameters, char intermediate, char final);
}
