// The dashboard's output view without a browser: the line model (logmodel.js), the virtual window
// math (logwindow.js) and search (logsearch.js).
//   node --test tests/browser/log.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDashboardModule } from './dashboard-module.mjs';

const { LogModel, MAX_LINE_CHARS } = await importDashboardModule('logmodel.js');
const { MAX_SCROLL_HEIGHT, scrollTopFor, spacerHeight, visibleRows } = await importDashboardModule('logwindow.js');
const { findMatches, matchesOnLine, stepMatch } = await importDashboardModule('logsearch.js');

const texts = (model) => model.lines.map((l) => l.text);

test('chunks split anywhere make the same lines; an empty line counts; an open line stays open', () => {
  const text = 'one\ntwo\n\nthree';
  for (let at = 0; at <= text.length; at++) {
    const model = new LogModel();
    model.append('stdout', text.slice(0, at));
    model.append('stdout', text.slice(at));
    assert.deepEqual(texts(model), ['one', 'two', '', 'three'], `split at ${at}`);
  }
});

test('stdout and stderr interleave by arrival; each continues its own open line', () => {
  const model = new LogModel();
  model.append('stdout', 'compiling ', '2026-12-07T10:00:00Z');
  model.append('stderr', 'warning: x\n', '2026-12-07T10:00:01Z');
  model.append('stdout', 'done\nnext\n', '2026-12-07T10:00:02Z');
  assert.deepEqual(model.lines.map((l) => [l.stream, l.text, l.at]), [
    ['stdout', 'compiling done', '2026-12-07T10:00:00Z'],
    ['stderr', 'warning: x', '2026-12-07T10:00:01Z'],
    ['stdout', 'next', '2026-12-07T10:00:02Z'],
  ]);
});

test('a carriage return starts its line over; "\\r\\n" is a newline, also split across chunks', () => {
  const model = new LogModel();
  model.append('stdout', 'progress 10%\rprogress 50%\r');
  model.append('stdout', 'progress 100%\r');
  model.append('stdout', '\ndone\r\n');
  model.append('stdout', 'a\r');
  model.append('stdout', '\nb\n');
  assert.deepEqual(texts(model), ['progress 100%', 'done', 'a', 'b']);
});

test('colours carry across lines and chunks; HTML is escaped; the text has no escapes', () => {
  const model = new LogModel();
  model.append('stdout', '\x1b[31mred\nstill <red>\x1b[');
  model.append('stdout', '0m plain\n');
  assert.deepEqual(model.lines.map((l) => l.html), ['<span class="ansi-fg-1">red</span>', '<span class="ansi-fg-1">still &lt;red&gt;</span> plain']);
  assert.deepEqual(texts(model), ['red', 'still <red> plain']);
});

test('notes are lines of their own; an over-long line keeps a count of the rest; version moves', () => {
  const model = new LogModel();
  model.append('stdout', 'half');
  const before = model.version;
  model.note('result', '[succeeded, exit code 0]');
  model.append('stdout', ` line\n${'x'.repeat(MAX_LINE_CHARS + 5)}\n`);
  assert.ok(model.version > before);
  assert.deepEqual(model.lines.map((l) => [l.stream, l.text.length, l.clipped]), [['stdout', 9, 0], ['result', 24, 0], ['stdout', 0, MAX_LINE_CHARS + 5]]);
});

test('200,000 lines load as 200,000 line records', () => {
  const model = new LogModel();
  let chunk = '';
  for (let n = 1; n <= 200_000; n++) {
    chunk += `line ${n}\n`;
    if (chunk.length > 4000) { model.append('stdout', chunk); chunk = ''; }
  }
  model.append('stdout', chunk);
  assert.equal(model.length, 200_000);
  assert.equal(model.lines[123_455].text, 'line 123456');
});

test('the window holds the rows in view plus the overscan, at their place in the spacer', () => {
  const view = { viewportHeight: 400, rowHeight: 20, count: 200_000, overscan: 5 };
  assert.equal(spacerHeight(200_000, 20), 4_000_000);
  assert.deepEqual(visibleRows({ ...view, scrollTop: 0 }), { first: 0, last: 25, top: 0 });
  assert.deepEqual(visibleRows({ ...view, scrollTop: 1010 }), { first: 45, last: 76, top: 900 });
  const end = visibleRows({ ...view, scrollTop: 4_000_000 - 400 });
  assert.deepEqual(end, { first: 199_975, last: 200_000, top: 199_975 * 20 });
  assert.deepEqual(visibleRows({ ...view, count: 0, scrollTop: 0 }), { first: 0, last: 0, top: 0 });
  assert.equal(scrollTopFor(123_455, view), 123_455 * 20 - 190);
  assert.equal(scrollTopFor(0, view), 0);
  assert.equal(scrollTopFor(0, { ...view, align: 'end' }), 4_000_000 - 400);
});

test('past the browser height cap, scroll positions map proportionally and rows stay in view', () => {
  const view = { viewportHeight: 500, rowHeight: 20, count: 5_000_000 };
  assert.equal(spacerHeight(view.count, view.rowHeight), MAX_SCROLL_HEIGHT);
  for (const index of [0, 1, 2_500_000, 4_999_999]) {
    const scrollTop = scrollTopFor(index, view);
    assert.ok(scrollTop <= MAX_SCROLL_HEIGHT - view.viewportHeight);
    const { first, last, top } = visibleRows({ ...view, scrollTop });
    assert.ok(first <= index && index < last, `row ${index} in [${first}, ${last})`);
    // Where row `index` lands relative to the viewport's top: inside it.
    const y = top + (index - first) * view.rowHeight - scrollTop;
    assert.ok(y >= 0 && y + view.rowHeight <= view.viewportHeight, `row ${index} at ${y}px`);
  }
});

test('search finds every occurrence on any line, case-insensitive and literal, and stops at the limit', () => {
  const lines = ['Error: a', 'ok', 'error error', '(a+b)'].map((text) => ({ text }));
  assert.deepEqual(findMatches(lines, 'error').matches, [{ line: 0, start: 0, end: 5 }, { line: 2, start: 0, end: 5 }, { line: 2, start: 6, end: 11 }]);
  assert.deepEqual(findMatches(lines, '(a+b)').matches, [{ line: 3, start: 0, end: 5 }]);
  assert.deepEqual(findMatches(lines, ''), { matches: [], complete: true });
  assert.deepEqual(findMatches(lines, 'error', 2), { matches: [{ line: 0, start: 0, end: 5 }, { line: 2, start: 0, end: 5 }], complete: false });
});

test('stepping wraps around and starts from the line in view; a line\'s matches are found by binary search', () => {
  const { matches } = findMatches(['a', 'x', 'a a', 'x', 'a'].map((text) => ({ text })), 'a');
  assert.equal(stepMatch(matches, -1, 1, 1), 1);
  assert.equal(stepMatch(matches, -1, -1, 1), 0);
  assert.equal(stepMatch(matches, -1, 1, 9), 0);
  assert.equal(stepMatch(matches, 3, 1), 0);
  assert.equal(stepMatch(matches, 0, -1), 3);
  assert.equal(stepMatch([], -1, 1), -1);
  assert.deepEqual(matchesOnLine(matches, 2), [1, 3]);
  assert.deepEqual(matchesOnLine(matches, 3), [3, 3]);
});
