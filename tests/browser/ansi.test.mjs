// The dashboard's ANSI renderer (src/CortexHub.Api/Dashboard/ansi.js) with node's test runner:
//   node --test tests/browser/ansi.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDashboardModule } from './dashboard-module.mjs';

const { AnsiRenderer, ansiToHtml } = await importDashboardModule('ansi.js');

test('SGR colours and attributes become classed spans; reset ends them', () => {
  assert.equal(ansiToHtml('\x1b[31mred\x1b[0m plain'), '<span class="ansi-fg-1">red</span> plain');
  assert.equal(ansiToHtml('\x1b[1;92;44mx'), '<span class="ansi-fg-10 ansi-bg-4 ansi-bold">x</span>');
  assert.equal(ansiToHtml('\x1b[4mu\x1b[24mv'), '<span class="ansi-underline">u</span>v');
  assert.equal(ansiToHtml('\x1b[31ma\x1b[39mb\x1b[mc'), '<span class="ansi-fg-1">a</span>bc');
});

test('256 and 24-bit colours map to palette classes', () => {
  assert.equal(ansiToHtml('\x1b[38;5;208mo'), '<span class="ansi-fg-208">o</span>');
  assert.equal(ansiToHtml('\x1b[48;5;17mb'), '<span class="ansi-bg-17">b</span>');
  assert.equal(ansiToHtml('\x1b[38;2;255;0;0mr'), '<span class="ansi-fg-196">r</span>');
  assert.equal(ansiToHtml('\x1b[38;5;208;1mo'), '<span class="ansi-fg-208 ansi-bold">o</span>');
});

test('HTML is escaped, inside and outside spans', () => {
  assert.equal(ansiToHtml('<b>&"\'</b>'), '&lt;b&gt;&amp;&quot;&#39;&lt;/b&gt;');
  assert.equal(ansiToHtml('\x1b[31m<script>\x1b[0m'), '<span class="ansi-fg-1">&lt;script&gt;</span>');
});

test('other escape sequences and control characters are dropped', () => {
  assert.equal(ansiToHtml('a\x1b[2Kb\x1b[10;5Hc\x1b[?25ld'), 'abcd');
  assert.equal(ansiToHtml('\x1b]0;title\x07x\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\'), 'xlink');
  assert.equal(ansiToHtml('\x1b(Bx\x1bMy'), 'xy');
  assert.equal(ansiToHtml('a\r\nb\x07\x08c\td\n'), 'a\nbc\td\n');
});

test('a sequence split across chunks keeps its meaning and the style carries over', () => {
  const r = new AnsiRenderer();
  assert.equal(r.push('one \x1b['), 'one ');
  assert.equal(r.push('3'), '');
  assert.equal(r.push('1mred'), '<span class="ansi-fg-1">red</span>');
  assert.equal(r.push(' still'), '<span class="ansi-fg-1"> still</span>');
  assert.equal(r.push('\x1b[0'), '');
  assert.equal(r.push('m done'), ' done');
});

test('an unterminated sequence that grows too long is dropped, not kept forever', () => {
  const r = new AnsiRenderer();
  assert.equal(r.push(`\x1b]${'x'.repeat(1000)}`), '');
  assert.equal(r.pending, '');
  assert.equal(r.push('after'), 'after');
});
