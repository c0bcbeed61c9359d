// Re-running a task (rerun.js): the dispatch request that asks for the same thing again.
//   node --test tests/browser/rerun.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDashboardModule } from './dashboard-module.mjs';

const { rerunRequest } = await importDashboardModule('rerun.js');
const { duration, timeSpanSeconds } = await importDashboardModule('dom.js');

test('the same node, command, directory, environment, timeout and head/tail sizes', () => {
  const spec = {
    nodeId: 'n1', command: 'make test', createdBy: 'alice', workingDirectory: '/src', environment: { CI: '1' },
    timeout: '01:02:03.5', headBytes: 100, tailBytes: 0, fullLogCapBytes: null, pool: null,
  };
  assert.deepEqual(rerunRequest(spec), {
    nodeId: 'n1', command: 'make test', workingDirectory: '/src', environment: { CI: '1' }, timeoutSeconds: 3723.5, headBytes: 100, tailBytes: 0,
  });
});

test('what the task left unset stays unset', () => {
  assert.deepEqual(rerunRequest({ nodeId: 'n1', command: 'ls', workingDirectory: null, environment: {}, timeout: null, headBytes: null, tailBytes: null }),
    { nodeId: 'n1', command: 'ls' });
});

test('TimeSpan text in seconds and as a short duration', () => {
  assert.equal(timeSpanSeconds('2.00:00:01'), 172_801);
  assert.equal(timeSpanSeconds('-00:00:05'), -5);
  assert.equal(timeSpanSeconds('soon'), null);
  assert.equal(duration('00:03:10'), '3 min');
  assert.equal(duration('soon'), 'soon');
});
