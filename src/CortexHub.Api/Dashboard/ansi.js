// Terminal output (raw bytes with ANSI escapes, decoded as UTF-8) to HTML: SGR colours and
// attributes become <span class="ansi-…"> runs, every other escape or control sequence is dropped,
// and all text is HTML-escaped. Output arrives in chunks that may split an escape sequence, so a
// renderer keeps the pending bytes and the current style between chunks.
//
// Classes: ansi-fg-N / ansi-bg-N (N 0–255: 0–7 from 30–37/40–47, 8–15 from 90–97/100–107, 16–255
// from 38;5;N / 48;5;N; 24-bit colours map to the nearest of 16–255), ansi-bold, ansi-dim,
// ansi-italic, ansi-underline, ansi-strike. Colours 0–15 are themed in app.css; installPalette
// adds the fixed 16–255 palette.

const ESC = '\x1b';

/** Longest escape sequence kept across chunks; anything longer is garbage and dropped. */
const MAX_PENDING = 512;

export class AnsiRenderer {
  constructor() {
    this.reset();
    this.pending = '';
  }

  reset() {
    this.fg = null;
    this.bg = null;
    this.bold = false;
    this.dim = false;
    this.italic = false;
    this.underline = false;
    this.strike = false;
  }

  /** Renders the next chunk; returns HTML for the complete part (an unfinished escape waits for the next chunk). */
  push(text) {
    return this.render(text).html;
  }

  /** Like push, and also returns the visible text (what the HTML shows, for searching). */
  render(text) {
    const input = this.pending + text;
    this.pending = '';
    let html = '';
    let plain = '';
    let run = '';
    const flush = () => {
      if (run !== '') html += this.wrap(escapeHtml(run));
      plain += run;
      run = '';
    };

    let i = 0;
    while (i < input.length) {
      const c = input[i];
      if (c === ESC) {
        const end = sequenceEnd(input, i);
        if (end < 0) {
          // Unfinished: keep it for the next chunk, unless it has grown implausibly long.
          if (input.length - i <= MAX_PENDING) this.pending = input.slice(i);
          break;
        }
        const sequence = input.slice(i, end);
        const sgr = /^\x1b\[([0-9;:]*)m$/.exec(sequence);
        if (sgr) {
          flush();
          this.apply(sgr[1]);
        }
        i = end;
        continue;
      }
      const code = c.charCodeAt(0);
      // Keep newlines and tabs; drop other C0 controls, DEL and C1 controls (a lone '\r' included:
      // a log view has no cursor to move back).
      if (c === '\n' || c === '\t' || (code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code <= 0x9f))) run += c;
      i++;
    }
    flush();
    return { html, text: plain };
  }

  apply(paramText) {
    // ':' separates sub-parameters (38:5:n); treat it like ';'.
    const params = paramText === '' ? [0] : paramText.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
    for (let k = 0; k < params.length; k++) {
      const p = params[k];
      if (p === 0) this.reset();
      else if (p === 1) this.bold = true;
      else if (p === 2) this.dim = true;
      else if (p === 3) this.italic = true;
      else if (p === 4) this.underline = true;
      else if (p === 9) this.strike = true;
      else if (p === 22) this.bold = this.dim = false;
      else if (p === 23) this.italic = false;
      else if (p === 24) this.underline = false;
      else if (p === 29) this.strike = false;
      else if (p >= 30 && p <= 37) this.fg = p - 30;
      else if (p === 39) this.fg = null;
      else if (p >= 40 && p <= 47) this.bg = p - 40;
      else if (p === 49) this.bg = null;
      else if (p >= 90 && p <= 97) this.fg = p - 90 + 8;
      else if (p >= 100 && p <= 107) this.bg = p - 100 + 8;
      else if (p === 38 || p === 48) {
        const [colour, used] = extendedColour(params, k + 1);
        if (colour !== null) {
          if (p === 38) this.fg = colour;
          else this.bg = colour;
        }
        k += used;
      }
      // Anything else (blink, inverse, fonts…) is ignored.
    }
  }

  wrap(escaped) {
    const classes = [];
    if (this.fg !== null) classes.push(`ansi-fg-${this.fg}`);
    if (this.bg !== null) classes.push(`ansi-bg-${this.bg}`);
    if (this.bold) classes.push('ansi-bold');
    if (this.dim) classes.push('ansi-dim');
    if (this.italic) classes.push('ansi-italic');
    if (this.underline) classes.push('ansi-underline');
    if (this.strike) classes.push('ansi-strike');
    return classes.length === 0 ? escaped : `<span class="${classes.join(' ')}">${escaped}</span>`;
  }
}

/** Renders a complete text in one go. */
export function ansiToHtml(text) {
  return new AnsiRenderer().push(text);
}

export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Adds the rules for palette colours 16–255 (the 6×6×6 cube and the grey ramp) to the document. */
export function installPalette(doc = document) {
  const rules = [];
  for (let n = 16; n < 256; n++) {
    const rgb = paletteRgb(n);
    rules.push(`.ansi-fg-${n}{color:${rgb}}`, `.ansi-bg-${n}{background-color:${rgb}}`);
  }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join('\n'));
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}

function paletteRgb(n) {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const level = (x) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
}

/** Parses 5;n or 2;r;g;b after a 38/48; returns [palette index or null, parameters consumed]. */
function extendedColour(params, at) {
  if (params[at] === 5 && at + 1 < params.length) {
    const n = params[at + 1];
    return [Number.isInteger(n) && n >= 0 && n <= 255 ? n : null, 2];
  }
  if (params[at] === 2 && at + 3 < params.length) {
    const [r, g, b] = params.slice(at + 1, at + 4).map((v) => Math.max(0, Math.min(255, v | 0)));
    const cube = (v) => (v < 48 ? 0 : v < 115 ? 1 : Math.floor((v - 35) / 40));
    return [16 + 36 * cube(r) + 6 * cube(g) + cube(b), 4];
  }
  return [null, params.length - at]; // malformed: the rest of the sequence is unusable
}

/** Index just past the escape sequence starting at `start`, or -1 when the input ends inside it. */
function sequenceEnd(text, start) {
  const next = text[start + 1];
  if (next === undefined) return -1;
  if (next === '[') {
    // CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E.
    for (let i = start + 2; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x40 && code <= 0x7e) return i + 1;
      if (code < 0x20 || code > 0x3f) return i; // malformed: drop what came so far
    }
    return -1;
  }
  if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
    // OSC, DCS, APC, PM, SOS: a string ended by BEL or ESC \.
    for (let i = start + 2; i < text.length; i++) {
      if (text[i] === '\x07') return i + 1;
      if (text[i] === ESC) {
        if (i + 1 >= text.length) return -1;
        return text[i + 1] === '\\' ? i + 2 : i;
      }
    }
    return -1;
  }
  // ESC, any intermediate bytes (0x20–0x2F, e.g. the charset selection "ESC ( B"), one final byte.
  let i = start + 1;
  while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
  return i < text.length ? i + 1 : -1;
}
