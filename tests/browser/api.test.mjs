// The dashboard's API client (src/CortexHub.Api/Dashboard/api.js) with node's test runner and a
// fake fetch: the SSE parser, resuming with Last-Event-ID after a drop, problem+json errors.
//   node --test tests/browser/api.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDashboardModule } from './dashboard-module.mjs';

const { Api, ApiError, readEvents } = await importDashboardModule('api.js');

/** A response body delivering exactly these chunks. */
function body(...chunks) {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function collect(stream) {
  const events = [];
  for await (const e of readEvents(stream)) events.push(e);
  return events;
}

test('events are parsed across any chunking, with CRLF, comments, multi-line data and ids', async () => {
  const text = ': keep-alive\r\n\r\nid: 7\r\nevent: node.status\r\ndata: {"a":\r\ndata: 1}\r\n\r\ndata:plain\n\nevent: empty\n\n';
  const expected = [
    { id: '7', event: 'node.status', data: '{"a":\n1}', retry: null },
    { id: '7', event: 'message', data: 'plain', retry: null },
  ];
  assert.deepEqual(await collect(body(text)), expected);
  // Every split point, including inside "\r\n" and inside a multi-byte character.
  const bytes = new TextEncoder().encode(text.replace('plain', 'plaîn'));
  for (let at = 1; at < bytes.length; at++) {
    const events = await collect(body(bytes.slice(0, at), bytes.slice(at)));
    assert.deepEqual(events, [expected[0], { ...expected[1], data: 'plaîn' }], `split at byte ${at}`);
  }
});

test('follow resumes after a drop with Last-Event-ID and stops when the handler says so', async () => {
  const calls = [];
  const responses = [
    () => new Response(body('retry: 5\nid: 1\nevent: output\ndata: {"n":1}\n\nid: 2\nevent: output\ndata: {"n":2}\n\n'), { status: 200 }),
    () => { throw new TypeError('network error'); },
    () => new Response(body('id: 3\nevent: output\ndata: {"n":3}\n\nevent: end\ndata: {}\n\n'), { status: 200 }),
  ];
  globalThis.fetch = async (path, init) => {
    calls.push({ path, lastEventId: init.headers['Last-Event-ID'] ?? null, auth: init.headers.Authorization });
    return responses[calls.length - 1]();
  };
  const seen = [];
  const drops = [];
  await new Api(() => 'chk.u.k.s').follow('/api/v1/tasks/t/events', {
    signal: new AbortController().signal,
    onEvent: (e) => { seen.push(e.event === 'end' ? 'end' : JSON.parse(e.data).n); return e.event !== 'end'; },
    onDrop: (error, retryMs) => drops.push([error?.message ?? null, retryMs]),
  });
  assert.deepEqual(seen, [1, 2, 3, 'end']);
  assert.deepEqual(calls.map((c) => c.lastEventId), [null, '2', '2']);
  assert.ok(calls.every((c) => c.auth === 'Bearer chk.u.k.s'));
  assert.deepEqual(drops, [[null, 5], ['network error', 10]]);
});

test('a 4xx problem stops following and reaches onError with its error id', async () => {
  globalThis.fetch = async () => new Response(JSON.stringify({ title: 'Task \'x\' was not found.', status: 404, errorId: '0123456789ab' }),
    { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
  let failure = null;
  await new Api(() => 'k').follow('/api/v1/tasks/x/events', { signal: new AbortController().signal, onEvent: () => {}, onError: (e) => { failure = e; } });
  assert.ok(failure instanceof ApiError);
  assert.equal(failure.status, 404);
  assert.equal(failure.errorId, '0123456789ab');
});

test('request turns problem+json into ApiError with title, detail, errors and error id', async () => {
  globalThis.fetch = async () => new Response(JSON.stringify({
    title: 'The request is invalid.', detail: 'See errors for each field.', status: 400, errorId: 'abcdefabcdef', errors: { nodeId: ['Required.'] },
  }), { status: 400, headers: { 'Content-Type': 'application/problem+json' } });
  await assert.rejects(new Api(() => 'k').post('/api/v1/tasks', {}), (e) =>
    e instanceof ApiError && e.title === 'The request is invalid.' && e.errorId === 'abcdefabcdef' && e.errors.nodeId[0] === 'Required.' && e.permanent);
});
