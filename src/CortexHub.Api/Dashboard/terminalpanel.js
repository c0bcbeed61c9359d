// The selected session: an xterm.js terminal (vendor/xterm) attached over the session's WebSocket
// (sessionlink.js). Keystrokes go to the program, its output to the terminal; the terminal is fitted
// to the panel (addon-fit) whenever the panel changes size, and the new size goes to the program.
// When the session ends, a banner says how; Close ends it, leaving the panel only detaches.

import { FitAddon } from './vendor/addon-fit/addon-fit.js';
import { Terminal } from './vendor/xterm/xterm.js';
import { el, h } from './dom.js';
import { SessionLink } from './sessionlink.js';
import { FINISHED, stateBadge, taskState } from './taskpanel.js';

const LINK_TEXT = {
  connecting: 'connecting…', attached: 'attached', reconnecting: 'reconnecting…', ended: 'ended', failed: 'not attached', detached: '',
};

/** Read from app.css, so the terminal matches the output view. */
function terminalTheme() {
  const style = getComputedStyle(document.documentElement);
  return {
    background: style.getPropertyValue('--term-bg').trim() || '#14181f',
    foreground: style.getPropertyValue('--term-text').trim() || '#d7dce2',
  };
}

/** How a session's end reads in the banner: "exited with code 0", "cancelled", … */
export function exitText({ state, exitCode, outcome }) {
  const how = exitCode !== null && exitCode !== undefined ? `exit code ${exitCode}` : null;
  return [`Session ended: ${taskState(state ?? outcome ?? 'ended')}`, outcome && outcome !== state ? outcome : null, how].filter(Boolean).join(', ');
}

export class TerminalPanel {
  /**
   * @param {{ api: import('./api.js').Api, key: () => string | null, sessions: () => Map<string, any>,
   *           session: () => AbortSignal | undefined, guarded: (action: Function) => Function,
   *           showError: (error: unknown) => void, problem: (frame: any) => Error,
   *           onSessionChanged: (sessionId: string) => void }} host
   */
  constructor(host) {
    this.host = host;
    this.selected = null;
    this.link = null;
    this.term = null;
    this.fit = null;
    /** True while the terminal has shown nothing: select() may reuse it (prepare() sized it for the new session). */
    this.fresh = false;
    this.container = el('terminal');
    new ResizeObserver(() => this.fitSoon()).observe(this.container);
    el('session-close').addEventListener('click', host.guarded(() => this.end()));
  }

  /** Shows a new, empty terminal fitted to the panel and returns its size, to open a session with. */
  prepare() {
    this.detach();
    this.selected = null;
    this.showPanel();
    this.newTerminal();
    this.renderHeader();
    this.setLink('connecting');
    return { columns: this.term.cols, rows: this.term.rows };
  }

  /** Attaches to a session (an existing one, or the one just opened into the prepared terminal). */
  select(sessionId) {
    if (this.selected === sessionId && this.link && !this.link.stopped) return;
    this.detach();
    this.selected = sessionId;
    this.showPanel();
    if (!this.fresh) this.newTerminal();
    this.fresh = false;
    el('session-exit').hidden = true;
    this.renderHeader();

    const link = new SessionLink({
      sessionId,
      key: this.host.key,
      onState: (state) => { if (link === this.link) this.setLink(state); },
      onAttached: (session, skipped) => this.onAttached(link, session, skipped),
      onOutput: (bytes) => { if (link === this.link) this.term.write(bytes); },
      onExit: (exit) => this.onExit(link, exit),
      onError: (frame) => { if (link === this.link) this.host.showError(this.host.problem(frame)); },
    });
    this.link = link;
    link.resize(this.term.cols, this.term.rows);
    this.host.session()?.addEventListener('abort', () => link.detach(), { once: true });
    link.connect();
    this.term.focus();
  }

  /** Leaves the panel: the session keeps running; the task panel is back in its place. */
  close() {
    this.detach();
    this.selected = null;
    el('session-detail').hidden = true;
    el('task-detail').hidden = false;
  }

  detach() {
    this.link?.detach();
    this.link = null;
  }

  /** The terminal takes the task panel's place. */
  showPanel() {
    el('task-detail').hidden = true;
    el('session-detail').hidden = false;
  }

  newTerminal() {
    this.term?.dispose();
    this.container.replaceChildren();
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--mono').trim() || 'monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: terminalTheme(),
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(this.container);
    fit.fit();
    term.onData((text) => this.link?.sendText(text));
    // Binary input (some mouse reports): one char per byte.
    term.onBinary((text) => this.link?.sendBytes(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff)));
    term.onResize(({ cols, rows }) => {
      this.link?.resize(cols, rows);
      this.renderSize();
    });
    this.term = term;
    this.fit = fit;
    this.fresh = true;
  }

  /** Fits the terminal to the panel once per frame, however many resize notifications came. */
  fitSoon() {
    if (this.fitFrame) return;
    this.fitFrame = requestAnimationFrame(() => {
      this.fitFrame = 0;
      if (this.term && !el('session-detail').hidden) this.fit.fit();
    });
  }

  onAttached(link, session, skipped) {
    if (link !== this.link || !session) return;
    this.host.sessions().set(session.id, { ...this.host.sessions().get(session.id), ...session });
    this.host.onSessionChanged(session.id);
    if (skipped > 0) this.term.write(`\r\n\x1b[2m[${skipped.toLocaleString('en')} bytes of output were no longer kept by the hub]\x1b[0m\r\n`);
  }

  onExit(link, exit) {
    if (link !== this.link) return;
    const sessions = this.host.sessions();
    const view = sessions.get(this.selected);
    if (view) sessions.set(this.selected, { ...view, state: taskState(exit.state), exitCode: exit.exitCode, outcome: exit.outcome });
    this.host.onSessionChanged(this.selected);
    const banner = el('session-exit');
    banner.textContent = exitText(exit);
    banner.dataset.state = taskState(exit.state);
    banner.dataset.exitCode = exit.exitCode ?? '';
    banner.hidden = false;
    this.term.options.disableStdin = true;
    this.term.options.cursorBlink = false;
  }

  /** Close: ends the session (the exit frame follows); over the API when the socket is not up. */
  async end() {
    const sessionId = this.selected;
    if (!sessionId) return;
    el('session-close').disabled = true;
    if (this.link?.close()) return;
    const view = await this.host.api.request('DELETE', `/api/v1/sessions/${encodeURIComponent(sessionId)}`, undefined, this.host.session());
    if (view) this.host.sessions().set(sessionId, view);
    this.host.onSessionChanged(sessionId);
  }

  /** The selected session's header: id, state, node, command, size; Close while it runs. */
  renderHeader() {
    const view = this.host.sessions().get(this.selected);
    const current = view?.state ?? (this.selected ? 'unknown' : 'opening');
    el('session-detail-id').textContent = this.selected ?? '';
    el('session-detail-state').replaceWith(stateBadge(current, 'session-detail-state'));
    el('session-close').disabled = !this.selected || FINISHED.has(current);
    el('session-detail-meta').replaceChildren(...(view ? [
      'on ', h('strong', { 'data-testid': 'session-detail-node' }, view.nodeId),
      ': ', h('code', { 'data-testid': 'session-detail-command' }, view.command || 'login shell'),
      view.openedBy ? h('span', { class: 'sub' }, `opened by ${view.openedBy}`) : null,
    ] : []).filter((part) => part !== null));
    this.renderSize();
  }

  renderSize() {
    const size = el('session-size');
    size.textContent = this.term ? `${this.term.cols}×${this.term.rows}` : '';
    size.dataset.columns = this.term?.cols ?? '';
    size.dataset.rows = this.term?.rows ?? '';
  }

  setLink(state) {
    const node = el('session-link');
    node.dataset.state = state;
    node.textContent = LINK_TEXT[state] ?? state;
  }
}
