// The dashboard's session link (src/CortexHub.Api/Dashboard/sessionlink.js) with node's test runner
// and a scripted WebSocket: the auth frame first, output in order, reattaching after a drop from
// the first byte not shown (replayed bytes skipped, lost ones counted), keystrokes queued while
// away, resize, close, exit and refusals. The real hub is in terminal.test.mjs.
//   node --test tests/browser/session.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDashboardModule } from './dashboard-module.mjs';

const { OutputCursor, SessionLink, attachUrl } = await importDashboardModule('sessionlink.js');

const page = { protocol: 'http:', host: 'hub.example:5000' };
const bytes = (text) => new TextEncoder().encode(text);
const text = (chunks) => new TextDecoder().decode(Buffer.concat(chunks.map((c) => Buffer.from(c))));

/** A WebSocket that records what is sent and lets the test play the hub's side. */
class ScriptedSocket {
  static opened = [];

  constructor(url) {
    this.url = url;
    this.sent = [];
    this.readyState = 0;
    ScriptedSocket.opened.push(this);
  }

  send(data) { this.sent.push(data); }

  close(code) {
    this.readyState = 3;
    this.closedWith = code;
  }

  // ---- the hub's side ----
  open() {
    this.readyState = 1;
    this.onopen();
  }

  frame(message) {
    this.onmessage({ data: typeof message === 'string' ? message : message instanceof Uint8Array ? message.buffer.slice(message.byteOffset, message.byteOffset + message.length) : JSON.stringify(message) });
  }

  drop(code = 1006) {
    this.readyState = 3;
    this.onclose({ code, reason: '' });
  }

  texts() { return this.sent.filter((d) => typeof d === 'string').map((d) => JSON.parse(d)); }
}

function link(overrides = {}) {
  ScriptedSocket.opened = [];
  const seen = { output: [], states: [], exits: [], errors: [], attached: [] };
  const session = new SessionLink({
    sessionId: 's 1',
    key: () => 'chk.u.k.secret',
    location: page,
    WebSocket: ScriptedSocket,
    onState: (s) => seen.states.push(s),
    onAttached: (view, skipped) => seen.attached.push({ view, skipped }),
    onOutput: (b) => seen.output.push(b),
    onExit: (e) => seen.exits.push(e),
    onError: (e) => seen.errors.push(e),
    ...overrides,
  });
  return { session, seen, socket: (n) => ScriptedSocket.opened[n] };
}

test('attach address: ws or wss as the page, the id escaped, after only when known', () => {
  assert.equal(attachUrl(page, 's 1', null), 'ws://hub.example:5000/api/v1/sessions/s%201/attach');
  assert.equal(attachUrl({ protocol: 'https:', host: 'h' }, 's', 42), 'wss://h/api/v1/sessions/s/attach?after=42');
});

test('cursor: replayed bytes are skipped, bytes the hub no longer has are counted', () => {
  const cursor = new OutputCursor();
  assert.equal(cursor.after, null);
  cursor.attached(100);
  assert.deepEqual([...cursor.accept(bytes('abc'))], [...bytes('abc')]);
  assert.equal(cursor.after, 103);
  cursor.attached(101); // a replay from before what was shown
  assert.equal(cursor.accept(bytes('b')).length, 0);
  assert.equal(text([cursor.accept(bytes('cdef'))]), 'def');
  assert.equal(cursor.after, 106);
  cursor.attached(110); // 4 bytes gone
  assert.equal(cursor.skipped, 4);
  assert.equal(text([cursor.accept(bytes('xy'))]), 'xy');
  assert.equal(cursor.after, 112);
});

test('the first frame authenticates; output flows; a drop reattaches after the last byte shown', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { session, seen, socket } = link();
  session.connect();
  assert.equal(socket(0).url, 'ws://hub.example:5000/api/v1/sessions/s%201/attach');
  socket(0).open();
  assert.deepEqual(socket(0).texts(), [{ type: 'auth', token: 'chk.u.k.secret' }]);
  socket(0).frame({ type: 'attached', session: { id: 's 1', columns: 80, rows: 24 }, offset: 500 });
  socket(0).frame(bytes('$ echo hi\r\n'));
  socket(0).frame(bytes('hi\r\n'));
  assert.equal(seen.states.at(-1), 'attached');

  socket(0).drop();
  assert.equal(seen.states.at(-1), 'reconnecting');
  session.sendText('ls\r'); // typed while away: waits for the next attach
  t.mock.timers.tick(1000);
  assert.equal(socket(1).url, `ws://hub.example:5000/api/v1/sessions/s%201/attach?after=${500 + 15}`);
  socket(1).open();
  socket(1).frame({ type: 'attached', session: { id: 's 1', columns: 80, rows: 24 }, offset: 515 });
  assert.deepEqual(socket(1).sent.slice(1).map((d) => new TextDecoder().decode(d)), ['ls\r']);
  socket(1).frame(bytes('file\r\n'));
  assert.equal(text(seen.output), '$ echo hi\r\nhi\r\nfile\r\n');

  socket(1).frame({ type: 'exit', state: 'succeeded', exitCode: 0, outcome: 'exited' });
  assert.deepEqual(seen.exits, [{ state: 'succeeded', exitCode: 0, outcome: 'exited' }]);
  assert.equal(seen.states.at(-1), 'ended');
  assert.equal(socket(1).closedWith, 1000);
  socket(1).drop(1000);
  t.mock.timers.tick(60_000);
  assert.equal(ScriptedSocket.opened.length, 2, 'an ended session is not attached again');
});

test('keystrokes are UTF-8 binary frames; resize and close are text frames; a different size is sent on attach', () => {
  const { session, socket } = link();
  session.resize(100, 30); // fitted before attaching
  session.connect();
  socket(0).open();
  socket(0).frame({ type: 'attached', session: { id: 's 1', columns: 80, rows: 24 }, offset: 0 });
  session.sendText('é\r');
  session.resize(90, 20);
  assert.equal(session.close(), true);
  const [auth, resizeOnAttach, keys, resize, close] = socket(0).sent;
  assert.equal(JSON.parse(auth).type, 'auth');
  assert.deepEqual(JSON.parse(resizeOnAttach), { type: 'resize', columns: 100, rows: 30 });
  assert.deepEqual([...keys], [0xc3, 0xa9, 0x0d]);
  assert.deepEqual(JSON.parse(resize), { type: 'resize', columns: 90, rows: 20 });
  assert.deepEqual(JSON.parse(close), { type: 'close' });
});

test('a refusal of the attach (4xx) stops without knocking again; a server fault (5xx) and a drop for reading too slowly retry', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const refused = link();
  refused.session.connect();
  refused.socket(0).open();
  const problem = { type: 'error', status: 404, title: 'No such session.', detail: 'd', errorId: 'abc123' };
  refused.socket(0).frame(problem);
  refused.socket(0).drop(1008);
  t.mock.timers.tick(60_000);
  assert.deepEqual(refused.seen.errors, [problem]);
  assert.equal(refused.seen.states.at(-1), 'failed');
  assert.equal(ScriptedSocket.opened.length, 1);

  const fault = link();
  fault.session.connect();
  fault.socket(0).open();
  fault.socket(0).frame({ type: 'error', status: 500, title: 'Boom', errorId: 'e1' });
  fault.socket(0).drop(1011);
  t.mock.timers.tick(1000);
  assert.equal(ScriptedSocket.opened.length, 2);
  assert.equal(fault.seen.errors.length, 1);

  const slow = link();
  slow.session.connect();
  slow.socket(0).open();
  slow.socket(0).frame({ type: 'attached', session: { id: 's 1', columns: 80, rows: 24 }, offset: 7 });
  slow.socket(0).drop(1008); // "too slow: reattach with after=7", no error frame
  t.mock.timers.tick(1000);
  assert.equal(slow.socket(1).url, 'ws://hub.example:5000/api/v1/sessions/s%201/attach?after=7');
});

test('an error frame while attached (a size out of range) is reported and the terminal stays attached', () => {
  const { session, seen, socket } = link();
  session.connect();
  socket(0).open();
  socket(0).frame({ type: 'attached', session: { id: 's 1', columns: 80, rows: 24 }, offset: 0 });
  session.resize(5000, 24);
  socket(0).frame({ type: 'error', status: 400, title: 'The request is invalid.', detail: 'columns 1..1000', errorId: 'e2' });
  assert.equal(seen.errors.length, 1);
  assert.equal(seen.states.at(-1), 'attached');
  session.sendText('x');
  assert.equal(new TextDecoder().decode(socket(0).sent.at(-1)), 'x');
});

test('detach closes the socket and never reconnects', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { session, seen, socket } = link();
  session.connect();
  socket(0).open();
  session.detach();
  assert.equal(socket(0).closedWith, 1000);
  assert.equal(seen.states.at(-1), 'detached');
  t.mock.timers.tick(60_000);
  assert.equal(ScriptedSocket.opened.length, 1);
});
