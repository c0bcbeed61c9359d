// The task output view: one scroller with a spacer as tall as all lines and, inside it, only the
// rows in view (fixed row height, logwindow.js). Rows show the line number, the time and the
// coloured text; search matches are <mark>ed. The view follows the end while it is scrolled there.

import { h } from './dom.js';
import { LogModel } from './logmodel.js';
import { findMatches, matchesOnLine, stepMatch } from './logsearch.js';
import { scrollTopFor, spacerHeight, visibleRows } from './logwindow.js';

/** Every row's height in px; app.css sizes rows by --log-row, which the view sets from this. */
export const ROW_HEIGHT = 18;
const OVERSCAN = 20;
const SEARCH_EVERY_MS = 300;

export class LogView {
  /** @param {HTMLElement} scroller holds .log-spacer > .log-rows */
  constructor(scroller) {
    this.scroller = scroller;
    this.spacer = scroller.querySelector('.log-spacer');
    this.rows = scroller.querySelector('.log-rows');
    scroller.style.setProperty('--log-row', `${ROW_HEIGHT}px`);
    this.frame = 0;
    this.searchedAt = 0;
    this.onSearch = () => {};
    this.onLineClick = () => {};
    this.rows.addEventListener('click', (event) => {
      const number = event.target.closest('.ln');
      if (number) this.onLineClick(Number(number.textContent));
    });
    this.reset();
    scroller.addEventListener('scroll', () => {
      this.following = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < ROW_HEIGHT;
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  /** A new, empty model (another task): following its end, no search. */
  reset() {
    this.model = new LogModel();
    this.following = true;
    this.search = { query: '', matches: [], complete: true, current: -1, version: -1 };
    this.selectedLine = null;
    this.pendingLine = null;
    this.drawn = null;
    this.rowCache = new Map();
    this.scroller.scrollTop = 0;
    this.schedule();
  }

  /** Call after the model changed: redraws on the next frame, and searches again if a query is set. */
  changed() {
    if (this.pendingLine !== null && this.model.length >= this.pendingLine) this.goToLine(this.pendingLine);
    this.schedule();
  }

  /** Marks line `line` (1-based) and scrolls it into the middle; a line not there yet is gone to when it arrives. */
  goToLine(line, { scroll = true } = {}) {
    this.selectedLine = line;
    this.drawn = null;
    if (this.model.length < line) {
      this.pendingLine = line;
      return;
    }
    this.pendingLine = null;
    if (scroll) {
      this.following = false;
      this.scrollToIndex(line - 1);
    }
    this.schedule();
  }

  schedule() {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }

  draw() {
    const count = this.model.length;
    if (this.search.query && this.search.version !== this.model.version) {
      // While output streams in, search again at most every SEARCH_EVERY_MS (each pass reads every line).
      if (performance.now() - this.searchedAt >= SEARCH_EVERY_MS) this.research();
      else this.schedule();
    }
    this.sizeSpacer();
    this.scroller.style.setProperty('--ln-width', `${String(Math.max(count, 9)).length + 1}ch`);
    if (this.following) this.scroller.scrollTop = this.scroller.scrollHeight;
    const { first, last, top } = this.window();
    this.rows.style.transform = `translateY(${top}px)`;
    const key = `${first}:${last}:${this.model.version}:${this.search.version}:${this.search.current}`;
    if (this.drawn === key) return;
    this.drawn = key;
    // Rows whose line, marks and selection are unchanged are kept (while output streams in, only
    // the open lines at the end change), so a text selection in them survives.
    const kept = new Map();
    const rows = [];
    for (let index = first; index < last; index++) {
      const line = this.model.lines[index];
      const look = `${line.clipped}|${this.marksKey(index)}|${index + 1 === this.selectedLine}`;
      let row = this.rowCache.get(index);
      if (!row || row.line !== line || row.html !== line.html || row.look !== look) row = { line, html: line.html, look, element: this.row(index) };
      kept.set(index, row);
      rows.push(row.element);
    }
    this.rowCache = kept;
    const children = this.rows.children;
    if (children.length !== rows.length || rows.some((element, k) => children[k] !== element)) this.rows.replaceChildren(...rows);
  }

  /** What decides how a line's search marks look. */
  marksKey(index) {
    const [from, to] = matchesOnLine(this.search.matches, index);
    if (from === to) return '';
    const { current, query } = this.search;
    return `${query}|${from}|${to}|${current >= from && current < to ? current : -1}`;
  }

  window() {
    return visibleRows({
      scrollTop: this.scroller.scrollTop, viewportHeight: this.scroller.clientHeight, rowHeight: ROW_HEIGHT, count: this.model.length, overscan: OVERSCAN,
    });
  }

  row(index) {
    const line = this.model.lines[index];
    const text = h('span', { class: 'tx' });
    text.innerHTML = line.html; // escaped by the ANSI renderer: only its own spans are markup
    const [from, to] = matchesOnLine(this.search.matches, index);
    if (from < to) {
      markRanges(text, this.search.matches.slice(from, to).map((m, k) => ({ ...m, current: from + k === this.search.current })));
    }
    return h('div', { class: `log-row ${line.stream}${index + 1 === this.selectedLine ? ' selected' : ''}`, 'data-line': index + 1 },
      h('span', { class: 'ln', title: 'Link to this line' }, index + 1),
      h('span', { class: 'ts', title: line.at ?? '' }, clock(line.at)),
      text,
      line.clipped > 0 ? h('span', { class: 'clipped' }, ` … ${line.clipped.toLocaleString('en')} more characters in the raw log`) : null);
  }

  /** Searches every line for `query` and goes to the first match from the top of the view. */
  find(query) {
    this.search = { query, matches: [], complete: true, current: -1, version: -1 };
    if (query) this.research();
    this.drawn = null;
    if (this.search.matches.length > 0) this.step(1);
    else this.schedule();
    this.onSearch(this.search);
  }

  /** Goes to the next (1) or previous (-1) match and scrolls it into the middle of the view. */
  step(direction) {
    const { matches } = this.search;
    if (matches.length === 0) return;
    this.search.current = stepMatch(matches, this.search.current, direction, this.window().first + OVERSCAN);
    this.following = false;
    this.scrollToIndex(matches[this.search.current].line);
    this.draw();
    this.rows.querySelector('mark.current')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    this.onSearch(this.search);
  }

  /** The scroller's full height for the lines there are now (a scroll position past the old height would be cut short). */
  sizeSpacer() {
    this.spacer.style.height = `${spacerHeight(this.model.length, ROW_HEIGHT)}px`;
  }

  scrollToIndex(index) {
    this.sizeSpacer();
    this.scroller.scrollTop = scrollTopFor(index, { viewportHeight: this.scroller.clientHeight, rowHeight: ROW_HEIGHT, count: this.model.length });
  }

  /** Back to following the end. */
  toEnd() {
    this.following = true;
    this.schedule();
  }

  toTop() {
    this.following = false;
    this.scroller.scrollTop = 0;
    this.schedule();
  }

  /** Runs the query again over a changed model, keeping the current match where it was. */
  research() {
    const { query, matches, current } = this.search;
    const was = matches[current];
    const found = findMatches(this.model.lines, query);
    this.searchedAt = performance.now();
    const again = was ? found.matches.findIndex((m) => m.line === was.line && m.start === was.start) : -1;
    this.search = { query, ...found, current: again, version: this.model.version };
    this.onSearch(this.search);
  }
}

/** "HH:MM:SS" in local time; the row's title has the full time. */
function clock(iso) {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString('en-GB', { hour12: false });
}

/**
 * Wraps [start, end) ranges of the element's text (offsets into its textContent, sorted, not
 * overlapping) in <mark class="match">; a range crossing colour spans gets one mark per span.
 */
function markRanges(element, ranges) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) texts.push(node);
  let offset = 0;
  let r = 0;
  for (const node of texts) {
    let rest = node;
    let restStart = offset;
    offset += node.data.length;
    while (r < ranges.length && ranges[r].start < offset && rest !== null) {
      const { start, end, current } = ranges[r];
      const middle = start > restStart ? rest.splitText(start - restStart) : rest;
      const middleStart = Math.max(start, restStart);
      rest = Math.min(end, offset) - middleStart < middle.data.length ? middle.splitText(Math.min(end, offset) - middleStart) : null;
      restStart = Math.min(end, offset);
      const mark = h('mark', { class: current ? 'match current' : 'match' });
      middle.replaceWith(mark);
      mark.append(middle);
      if (end > offset) break; // continues in the next text node
      r++;
    }
  }
}
