// A session's attach WebSocket (GET /api/v1/sessions/{id}/attach): authenticates with its first
// frame (browsers cannot set headers on a WebSocket), hands output bytes on in order, sends
// keystrokes as binary frames and resize / close as text frames, and after a drop attaches again
// from the byte it has not shown yet, so nothing is shown twice or lost.

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 15000;
/** Keystrokes typed while reconnecting wait for the socket, up to this many bytes (later ones are dropped). */
const MAX_QUEUED_INPUT = 64 * 1024;
/** The WebSocket close code for a detach. */
const CLOSE_NORMAL = 1000;

/**
 * Which received bytes are new: output arrives as frames from a known byte offset (the `attached`
 * frame's), and a reattach may replay bytes already shown.
 */
export class OutputCursor {
  constructor() {
    /** Offset of the next byte not yet shown; null before the first attach. */
    this.next = null;
    /** Offset of the next byte the current connection will deliver. */
    this.position = 0;
    /** Bytes the hub no longer kept between what was shown and what it sent (0 when none). */
    this.skipped = 0;
  }

  /** The `after` to attach with: null the first time (the hub sends its retained tail). */
  get after() {
    return this.next;
  }

  /** The connection will deliver bytes from `offset` on. */
  attached(offset) {
    this.position = offset;
    this.skipped = this.next !== null && offset > this.next ? offset - this.next : 0;
    if (this.next === null || offset > this.next) this.next = offset;
  }

  /** The part of a received frame not shown yet (possibly empty). */
  accept(bytes) {
    const start = this.position;
    this.position += bytes.length;
    if (this.position <= this.next) return bytes.subarray(0, 0);
    const fresh = bytes.subarray(Math.max(0, this.next - start));
    this.next = this.position;
    return fresh;
  }
}

/** The attach address for this page's origin (ws: or wss: as the page's scheme). */
export function attachUrl(location, sessionId, after) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = after === null || after === undefined ? '' : `?after=${after}`;
  return `${scheme}//${location.host}/api/v1/sessions/${encodeURIComponent(sessionId)}/attach${query}`;
}

export class SessionLink {
  /**
   * @param {{ sessionId: string, key: () => string | null, location?: Location, WebSocket?: typeof WebSocket,
   *           onState?: (state: 'connecting' | 'attached' | 'reconnecting' | 'ended' | 'failed' | 'detached') => void,
   *           onAttached?: (session: any, skipped: number) => void, onOutput: (bytes: Uint8Array) => void,
   *           onExit?: (exit: {state: string, exitCode: number | null, outcome: string | null}) => void,
   *           onError?: (problem: {status: number, title: string, detail?: string, errorId?: string}) => void }} options
   */
  constructor(options) {
    this.options = options;
    this.cursor = new OutputCursor();
    this.socket = null;
    this.attachedNow = false;
    this.stopped = false;
    this.retryMs = RETRY_FIRST_MS;
    this.retryTimer = null;
    /** @type {Uint8Array[]} */
    this.queued = [];
    this.queuedBytes = 0;
    this.encoder = new TextEncoder();
  }

  connect() {
    if (this.stopped) return;
    const Socket = this.options.WebSocket ?? WebSocket;
    const socket = new Socket(attachUrl(this.options.location ?? location, this.options.sessionId, this.cursor.after));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.attachedNow = false;
    this.setState(this.cursor.after === null ? 'connecting' : 'reconnecting');
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: this.options.key() ?? '' }));
    socket.onmessage = (event) => {
      if (socket !== this.socket) return;
      if (typeof event.data === 'string') this.onText(event.data);
      else this.onBytes(new Uint8Array(event.data));
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.attachedNow = false;
      if (this.stopped) return;
      // Any other end (a drop, the hub stopping, a reader too slow for the retained output) is
      // answered by attaching again from the first byte not shown.
      this.retry();
    };
  }

  onText(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      console.warn('unreadable session frame', text);
      return;
    }
    switch (frame.type) {
      case 'attached':
        this.cursor.attached(Number(frame.offset ?? 0));
        this.attachedNow = true;
        this.retryMs = RETRY_FIRST_MS;
        this.setState('attached');
        this.options.onAttached?.(frame.session, this.cursor.skipped);
        // This viewer's size wins: the session may have another (opened elsewhere, or resized while we were away).
        if (this.size && (frame.session?.columns !== this.size.columns || frame.session?.rows !== this.size.rows)) {
          this.resize(this.size.columns, this.size.rows);
        }
        this.flushInput();
        break;
      case 'exit':
        this.stop('ended');
        this.options.onExit?.({ state: frame.state, exitCode: frame.exitCode ?? null, outcome: frame.outcome ?? null });
        break;
      case 'error':
        // Before `attached` it refuses the attach (no such session, not yours, bad key): asking again
        // will not help, unless the hub itself failed (5xx). Once attached it answers one frame (a
        // size out of range, input after the end) and the socket stays; a fault closes it (1011) and
        // the close brings the retry.
        if (!this.attachedNow && !(frame.status >= 500)) this.stop('failed');
        this.options.onError?.(frame);
        break;
      default:
        break;
    }
  }

  onBytes(bytes) {
    if (!this.attachedNow) return; // output before `attached` is not in the protocol
    const fresh = this.cursor.accept(bytes);
    if (fresh.length > 0) this.options.onOutput(fresh);
  }

  /** Keystrokes as xterm's onData gives them (a string): sent as UTF-8. */
  sendText(text) {
    this.sendBytes(this.encoder.encode(text));
  }

  /** Bytes as they are (xterm's onBinary: one char per byte). */
  sendBytes(bytes) {
    if (this.stopped || bytes.length === 0) return;
    if (this.attachedNow && this.queued.length === 0) {
      this.socket.send(bytes);
      return;
    }
    if (this.queuedBytes + bytes.length > MAX_QUEUED_INPUT) return;
    this.queued.push(bytes);
    this.queuedBytes += bytes.length;
  }

  flushInput() {
    for (const bytes of this.queued) this.socket.send(bytes);
    this.queued = [];
    this.queuedBytes = 0;
  }

  /** The terminal's size changed: the program gets SIGWINCH. Sent when attached; an attach sends it when the session's differs. */
  resize(columns, rows) {
    this.size = { columns, rows };
    if (this.attachedNow) this.socket.send(JSON.stringify({ type: 'resize', columns, rows }));
  }

  /** Ends the session (the hub cancels it); the exit frame follows. False when not attached now. */
  close() {
    if (!this.attachedNow) return false;
    this.socket.send(JSON.stringify({ type: 'close' }));
    return true;
  }

  /** Leaves the session running: closes the socket only. */
  detach() {
    this.stop('detached');
  }

  retry() {
    this.setState('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  stop(state) {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    this.attachedNow = false;
    if (socket && socket.readyState <= 1) socket.close(CLOSE_NORMAL);
    this.setState(state);
  }

  setState(state) {
    this.state = state;
    this.options.onState?.(state);
  }
}
