namespace CortexHub.Grains.Terminal;

/// <summary>
/// Splits a stream of code points into printable characters, C0 controls, escape sequences and
/// control sequences (CSI), after the DEC ANSI parser state diagram (vt100.net/emu/dec_ansi_parser)
/// reduced to what a screen needs. Strings (OSC, DCS, SOS, PM, APC) are swallowed up to BEL or ST.
/// </summary>
/// <remarks>
/// Like a VT500-family terminal: ESC inside a sequence abandons it and starts a new one; CAN and
/// SUB abandon it silently; C0 controls inside a CSI or escape sequence are still executed.
/// Unlike one, a non-ASCII character inside a CSI or escape sequence abandons it and is printed,
/// so a stray <c>ESC [</c> cannot swallow text. Code points U+0080–U+009F (C1 controls in their
/// UTF-8 form) are ignored. The state survives between calls: a sequence may arrive in pieces.
/// </remarks>
internal sealed class VtParser(IVtActions actions)
{
    // More parameters than any sequence a screen acts on; the rest are dropped.
    private const int MaxParameters = 16;

    // Parameters are counts and positions on a screen of at most a few thousand cells a side.
    private const int MaxParameterValue = 65_535;

    private const int Bel = 0x07;
    private const int Can = 0x18;
    private const int Sub = 0x1A;
    private const int Esc = 0x1B;
    private const int Del = 0x7F;

    private readonly int[] _parameters = new int[MaxParameters];
    private int _parameterCount;
    private char _prefix;
    private char _intermediate;
    private State _state = State.Ground;

    private enum State
    {
        Ground,
        Escape,
        EscapeIntermediate,
        CsiEntry,
        CsiParameter,
        CsiIntermediate,
        CsiIgnore,
        String,
        StringEscape,
    }

    /// <summary>No sequence is in progress: the next printable character is text.</summary>
    public bool InGround => _state == State.Ground;

    public void Advance(int codePoint)
    {
        if (codePoint is Can or Sub)
        {
            _state = State.Ground;
            return;
        }
        if (codePoint == Esc)
        {
            _state = _state == State.String ? State.StringEscape : State.Escape;
            _intermediate = '\0';
            return;
        }

        switch (_state)
        {
            case State.Ground: Ground(codePoint); break;
            case State.Escape: Escape(codePoint); break;
            case State.EscapeIntermediate: EscapeIntermediate(codePoint); break;
            case State.CsiEntry: CsiEntry(codePoint); break;
            case State.CsiParameter: CsiParameter(codePoint); break;
            case State.CsiIntermediate: CsiIntermediate(codePoint); break;
            case State.CsiIgnore: CsiIgnore(codePoint); break;
            case State.String: if (codePoint == Bel) _state = State.Ground; break;
            case State.StringEscape: StringEscape(codePoint); break;
        }
    }

    private void Ground(int codePoint)
    {
        if (codePoint < 0x20)
            actions.Execute(codePoint);
        else if (codePoint < Del || codePoint > 0x9F)
            actions.Print(codePoint);
        // DEL and C1 controls print nothing.
    }

    private void Escape(int codePoint)
    {
        switch (codePoint)
        {
            case < 0x20: actions.Execute(codePoint); break;
            case '[': StartCsi(); break;
            case ']' or 'P' or 'X' or '^' or '_': _state = State.String; break;
            case < 0x30: _intermediate = (char)codePoint; _state = State.EscapeIntermediate; break;
            case < Del: _state = State.Ground; actions.EscapeDispatch('\0', (char)codePoint); break;
            case Del: break;
            default: Abandon(codePoint); break;
        }
    }

    private void EscapeIntermediate(int codePoint)
    {
        switch (codePoint)
        {
            case < 0x20: actions.Execute(codePoint); break;
            case < 0x30: break; // a second intermediate: none of the sequences acted on has one
            case < Del: _state = State.Ground; actions.EscapeDispatch(_intermediate, (char)codePoint); break;
            case Del: break;
            default: Abandon(codePoint); break;
        }
    }

    private void StartCsi()
    {
        _state = State.CsiEntry;
        Array.Clear(_parameters);
        _parameterCount = 0;
        _prefix = '\0';
        _intermediate = '\0';
    }

    private void CsiEntry(int codePoint)
    {
        if (codePoint is >= 0x3C and <= 0x3F)
        {
            _prefix = (char)codePoint;
            _state = State.CsiParameter;
            return;
        }
        CsiParameter(codePoint);
    }

    private void CsiParameter(int codePoint)
    {
        switch (codePoint)
        {
            case < 0x20: actions.Execute(codePoint); break;
            case >= '0' and <= '9': AddDigit(codePoint - '0'); break;
            // ':' separates sub-parameters (SGR colours); no sequence acted on uses them.
            case ';' or ':': NextParameter(); break;
            case < 0x30: _intermediate = (char)codePoint; _state = State.CsiIntermediate; break;
            case < 0x40: _state = State.CsiIgnore; break;
            case < Del: Dispatch(codePoint); break;
            case Del: break;
            default: Abandon(codePoint); break;
        }
        if (_state == State.CsiEntry)
            _state = State.CsiParameter;
    }

    private void CsiIntermediate(int codePoint)
    {
        switch (codePoint)
        {
            case < 0x20: actions.Execute(codePoint); break;
            case < 0x30: break;
            case < 0x40: _state = State.CsiIgnore; break;
            case < Del: Dispatch(codePoint); break;
            case Del: break;
            default: Abandon(codePoint); break;
        }
    }

    private void CsiIgnore(int codePoint)
    {
        if (codePoint < 0x20)
            actions.Execute(codePoint);
        else if (codePoint is >= 0x40 and < Del)
            _state = State.Ground;
        else if (codePoint > Del)
            Abandon(codePoint);
    }

    private void StringEscape(int codePoint)
    {
        if (codePoint == '\\')
        {
            _state = State.Ground;
            return;
        }
        // An escape other than ST ends the string and begins a sequence of its own.
        _state = State.Escape;
        Escape(codePoint);
    }

    private void AddDigit(int digit)
    {
        if (_parameterCount == 0)
            _parameterCount = 1;
        if (_parameterCount > MaxParameters)
            return;
        ref var value = ref _parameters[_parameterCount - 1];
        value = Math.Min(value * 10 + digit, MaxParameterValue);
    }

    private void NextParameter()
    {
        if (_parameterCount == 0)
            _parameterCount = 1; // "CSI ;5H": the first parameter is present and empty
        if (_parameterCount < MaxParameters)
            _parameters[_parameterCount] = 0;
        _parameterCount++;
    }

    private void Dispatch(int final)
    {
        _state = State.Ground;
        var count = Math.Min(_parameterCount, MaxParameters);
        actions.CsiDispatch(_prefix, _parameters.AsSpan(0, count), _intermediate, (char)final);
    }

    private void Abandon(int codePoint)
    {
        _state = State.Ground;
        Ground(codePoint);
    }
}
