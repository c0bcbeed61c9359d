// A task's output as numbered lines: stdout and stderr interleaved in the order they arrived, each
// line with the time of the event that started it, its HTML (ANSI colours, escaped) and its visible
// text (for search). Chunks may end mid-line, mid-escape or between "\r" and "\n"; each stream keeps
// its own open line and colour state, so a line continues where its stream left off.
//
// A carriage return not followed by "\n" starts its line over (what progress bars rely on: only
// the last state is shown), like a terminal does when the new text is at least as long.

import { AnsiRenderer, escapeHtml } from './ansi.js';

/** Past this many visible characters a line keeps only a count of the rest (the raw log has it all). */
export const MAX_LINE_CHARS = 20_000;

export class LogModel {
  constructor() {
    /** @type {{stream: string, at: string | null, html: string, text: string, clipped: number}[]} line n is lines[n - 1] */
    this.lines = [];
    this.open = new Map();
    this.pendingCr = new Set();
    this.renderers = new Map();
    /** Bumped on every change: views and searches compare it to know they are stale. */
    this.version = 0;
  }

  get length() {
    return this.lines.length;
  }

  /** Adds a chunk of one stream ("stdout", "stderr"); `at` is the ISO time of its event. */
  append(stream, text, at = null) {
    let i = 0;
    while (i < text.length) {
      if (this.pendingCr.delete(stream) && text[i] !== '\n') this.restartLine(stream);
      let j = i;
      while (j < text.length && text[j] !== '\n' && text[j] !== '\r') j++;
      if (j > i) this.write(stream, text.slice(i, j), at);
      if (j === text.length) break;
      if (text[j] === '\n') {
        this.endLine(stream, at);
      } else if (j + 1 === text.length) {
        this.pendingCr.add(stream); // "\r" ends the chunk: the next one says whether it was "\r\n"
      } else if (text[j + 1] === '\n') {
        this.endLine(stream, at);
        j++;
      } else {
        this.restartLine(stream);
      }
      i = j + 1;
    }
    this.version++;
  }

  /** A line of its own (a thought, the result, a lost-events marker) between the streams' lines. */
  note(kind, text, at = null) {
    for (const part of text.replace(/\n$/, '').split('\n')) {
      this.lines.push({ stream: kind, at, html: escapeHtml(part), text: part, clipped: 0 });
    }
    this.version++;
  }

  write(stream, piece, at) {
    const line = this.lineOf(stream, at);
    const { html, text } = this.rendererOf(stream).render(piece);
    if (line.clipped > 0 || line.text.length + text.length > MAX_LINE_CHARS) {
      line.clipped += text.length;
      return;
    }
    line.html += html;
    line.text += text;
  }

  lineOf(stream, at) {
    let line = this.open.get(stream);
    if (!line) {
      line = { stream, at, html: '', text: '', clipped: 0 };
      this.lines.push(line);
      this.open.set(stream, line);
    }
    return line;
  }

  endLine(stream, at) {
    this.lineOf(stream, at); // an empty line is a line too
    this.open.delete(stream);
  }

  restartLine(stream) {
    const line = this.open.get(stream);
    if (line) Object.assign(line, { html: '', text: '', clipped: 0 });
  }

  rendererOf(stream) {
    let renderer = this.renderers.get(stream);
    if (!renderer) this.renderers.set(stream, renderer = new AnsiRenderer());
    return renderer;
  }
}

