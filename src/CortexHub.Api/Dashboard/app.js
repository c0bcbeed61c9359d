// The CortexHub dashboard: nodes with live status, tasks (dispatch, live output, kept head/tail),
// and the work pool. Everything goes through /api/v1 with the API key the user entered; live
// changes come from /api/v1/events and a selected task's /api/v1/tasks/{id}/events.

import { Api, ApiError } from './api.js';
import { AnsiRenderer, ansiToHtml, installPalette } from './ansi.js';
import { debounce, el, h, keepTimesCurrent, timeCell } from './dom.js';
import { loadPool } from './pool.js';

const KEY_STORAGE = 'cortexhub.apiKey';
const TASK_STATES = ['queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'timedOut', 'lost'];
const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'timedOut', 'lost']);
/** The live pane keeps about this many characters; older chunks go (the journal keeps head and tail). */
const MAX_OUTPUT_CHARS = 1_000_000;
const TASK_LIST_LIMIT = 100;

const api = new Api(() => localStorage.getItem(KEY_STORAGE));

const state = {
  /** @type {Map<string, any>} node id → NodeSnapshot */
  nodes: new Map(),
  /** @type {Map<string, any>} task id → TaskSnapshot, newest first */
  tasks: new Map(),
  selected: null,
  /** Aborts everything of the signed-in session (streams, requests). */
  session: null,
  /** Aborts the selected task's stream. */
  follow: null,
  renderers: null,
  outputChars: 0,
};

// ---- Errors -------------------------------------------------------------------------------------

function showError(error) {
  if (error?.name === 'AbortError') return;
  console.error(error);
  const problem = error instanceof ApiError ? error : new ApiError({ title: 'Something went wrong in the page.', detail: String(error?.message ?? error) });
  el('error-title').textContent = problem.title;
  el('error-detail').textContent = problem.detail ?? '';
  el('error-fields').replaceChildren(...Object.entries(problem.errors ?? {}).map(([field, messages]) =>
    h('li', {}, h('code', {}, field), ': ', [].concat(messages).join(' '))));
  el('error-id').textContent = problem.errorId ? `error id ${problem.errorId}` : '';
  el('error-banner').dataset.status = String(problem.status);
  el('error-banner').hidden = false;
  if (problem.status === 401) signOut({ keepError: true });
}

function clearError() {
  el('error-banner').hidden = true;
}

/** Wraps an async action so a failure lands in the banner instead of the console. */
function guarded(action) {
  return (...args) => action(...args).catch(showError);
}

// ---- Nodes --------------------------------------------------------------------------------------

async function loadNodes() {
  const nodes = await api.get('/api/v1/nodes', state.session?.signal);
  state.nodes = new Map(nodes.map((n) => [n.nodeId, n]));
  renderNodes();
}

function renderNodes() {
  const nodes = [...state.nodes.values()].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
  el('nodes').replaceChildren(...nodes.map((n) =>
    h('tr', { 'data-testid': `node-${n.nodeId}`, 'data-status': n.status, onclick: () => chooseNode(n.nodeId) },
      h('td', {}, h('strong', {}, n.nodeId), n.name && n.name !== n.nodeId ? h('span', { class: 'sub' }, n.name) : null),
      h('td', {}, statusDot(n.status), ' ', h('span', { 'data-testid': `node-${n.nodeId}-status` }, n.status)),
      h('td', {}, Object.entries(n.labels ?? {}).map(([k, v]) => h('span', { class: 'chip' }, v ? `${k}=${v}` : k))),
      h('td', {}, n.agentVersion || '—'),
      timeCell(n.lastSeenAt))));
  el('nodes-count').textContent = nodes.length ? `${nodes.filter((n) => n.status === 'online').length}/${nodes.length} online` : '';
  el('nodes-empty').hidden = nodes.length > 0;
  renderNodeChoices();
}

function statusDot(status) {
  return h('span', { class: `dot status-${status}`, title: status, 'aria-hidden': 'true' });
}

/** The dispatch form's node list: online nodes first; keeps the user's choice. */
function renderNodeChoices() {
  const select = el('dispatch-node');
  const chosen = select.value;
  const nodes = [...state.nodes.values()].sort((a, b) =>
    (a.status === 'online' ? 0 : 1) - (b.status === 'online' ? 0 : 1) || a.nodeId.localeCompare(b.nodeId));
  select.replaceChildren(h('option', { value: '', disabled: true, selected: !chosen }, 'node…'),
    ...nodes.map((n) => h('option', { value: n.nodeId, selected: n.nodeId === chosen }, `${n.nodeId} (${n.status})`)));
}

function chooseNode(nodeId) {
  el('dispatch-node').value = nodeId;
  el('dispatch-command').focus();
}

function onNodeStatus(e) {
  const node = state.nodes.get(e.nodeId);
  if (node) {
    node.status = e.payload.status;
    node.siloId = e.payload.siloId ?? null;
    node.connectionId = e.payload.connectionId ?? null;
    node.lastSeenAt = e.at;
    renderNodes();
  }
  // Read the list again for what the event does not carry (agent version after a connect) or
  // for a node provisioned after the list was read.
  refreshNodesSoon();
}

const refreshNodesSoon = debounce(guarded(loadNodes), 300);

// ---- Tasks --------------------------------------------------------------------------------------

async function loadTasks() {
  const tasks = await api.get(`/api/v1/tasks?limit=${TASK_LIST_LIMIT}`, state.session?.signal);
  state.tasks = new Map(tasks.map((t) => [t.taskId, t]));
  renderTasks();
}

const refreshTasksSoon = debounce(guarded(loadTasks), 300);

function lastChange(task) {
  const times = Object.values(task.transitions ?? {});
  return times.length ? times.reduce((a, b) => (Date.parse(a) > Date.parse(b) ? a : b)) : null;
}

function stateBadge(taskState, testId) {
  return h('span', { class: `badge state-${taskState}`, 'data-testid': testId, 'data-state': taskState }, taskState);
}

function renderTasks() {
  const tasks = [...state.tasks.values()];
  el('tasks').replaceChildren(...tasks.map((t) =>
    h('tr', {
      'data-testid': `task-${t.taskId}`,
      'data-state': t.state,
      class: t.taskId === state.selected ? 'selected' : null,
      'aria-selected': t.taskId === state.selected ? 'true' : null,
      onclick: () => selectTask(t.taskId),
    },
    h('td', {}, h('button', { type: 'button', class: 'link', title: t.taskId }, shortId(t.taskId))),
    h('td', {}, stateBadge(t.state)),
    h('td', {}, t.spec?.nodeId ?? '—'),
    h('td', { class: 'command' }, h('code', {}, t.spec?.command ?? '')),
    h('td', { class: 'exit' }, t.result?.exitCode ?? ''),
    timeCell(lastChange(t)))));
  el('tasks-count').textContent = tasks.length ? String(tasks.length) : '';
  el('tasks-empty').hidden = tasks.length > 0;
}

function shortId(id) {
  return /^t-[0-9a-f]{32}$/.test(id) ? `${id.slice(0, 10)}…` : id;
}

/** The API's camelCase name of a task state (events may spell it in lower case: "timedout"). */
function taskState(name) {
  return TASK_STATES.find((s) => s.toLowerCase() === String(name).toLowerCase()) ?? name;
}

function onTaskState(e) {
  const task = state.tasks.get(e.taskId);
  if (!task) {
    refreshTasksSoon(); // dispatched elsewhere since the list was read
    return;
  }
  task.state = taskState(e.payload.state);
  task.transitions = { ...task.transitions, [task.state]: e.at };
  if (e.payload.exitCode !== null && e.payload.exitCode !== undefined || e.payload.error) {
    task.result = { ...task.result, exitCode: e.payload.exitCode ?? null, error: e.payload.error ?? null };
  }
  renderTasks();
  if (e.taskId === state.selected) {
    renderDetailHeader();
    if (FINISHED.has(task.state)) loadJournalSoon();
  }
}

async function dispatch(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const button = el('dispatch-submit');
  button.disabled = true;
  try {
    const task = await api.post('/api/v1/tasks', { nodeId: form.node.value, command: form.command.value }, state.session?.signal);
    state.tasks = new Map([[task.taskId, task], ...[...state.tasks].filter(([id]) => id !== task.taskId)]);
    renderTasks();
    form.command.value = '';
    clearError();
    selectTask(task.taskId);
  } finally {
    button.disabled = false;
  }
}

// ---- The selected task ------------------------------------------------------------------------

function selectTask(taskId) {
  if (state.selected === taskId && state.follow && !state.follow.signal.aborted) return;
  state.follow?.abort();
  state.selected = taskId;
  history.replaceState(null, '', `#task=${encodeURIComponent(taskId)}`);
  renderTasks();

  el('task-detail').hidden = false;
  el('task-detail-id').textContent = taskId;
  el('task-output').replaceChildren();
  el('task-journal').replaceChildren();
  state.renderers = { stdout: new AnsiRenderer(), stderr: new AnsiRenderer() };
  state.outputChars = 0;
  renderDetailHeader();

  const follow = new AbortController();
  state.follow = follow;
  state.session?.signal.addEventListener('abort', () => follow.abort(), { once: true });
  setFollow('connecting');
  api.follow(`/api/v1/tasks/${encodeURIComponent(taskId)}/events`, {
    signal: follow.signal,
    onOpen: () => setFollow('following'),
    onDrop: () => setFollow('reconnecting'),
    onError: (error) => { setFollow('off'); showError(error); },
    onEvent: (e) => onTaskEvent(taskId, e),
  });
  guarded(loadJournal)();
}

/** Handles one event of the selected task's stream; false ends the stream. */
function onTaskEvent(taskId, e) {
  if (taskId !== state.selected) return false;
  let data;
  try {
    data = JSON.parse(e.data);
  } catch {
    console.warn('unreadable task event', e);
    return true;
  }
  switch (e.event) {
    case 'output':
      appendOutput(data.stream === 'stderr' ? 'stderr' : 'stdout', data.text ?? '');
      loadJournalSoon();
      break;
    case 'thought':
      appendLine('thought', `thought: ${data.text}`);
      break;
    case 'progress':
      setFollow('following', `${Math.round((data.fraction ?? 0) * 100)}% ${data.message ?? ''}`.trim());
      break;
    case 'result':
      appendLine('result', `[${data.outcome}${data.exitCode !== null && data.exitCode !== undefined ? `, exit code ${data.exitCode}` : ''}${data.error ? `: ${data.error}` : ''}]`);
      break;
    case 'end': {
      const task = state.tasks.get(taskId);
      if (task) {
        task.state = taskState(data.state);
        if (data.exitCode !== null && data.exitCode !== undefined) task.result = { ...task.result, exitCode: data.exitCode };
        renderTasks();
      }
      renderDetailHeader();
      setFollow('ended');
      guarded(loadJournal)();
      return false;
    }
    default:
      break;
  }
  return true;
}

function setFollow(followState, text) {
  const node = el('task-follow');
  node.dataset.state = followState;
  node.textContent = text ?? { connecting: 'connecting…', following: 'live', reconnecting: 'reconnecting…', ended: 'finished', off: '' }[followState];
}

function renderDetailHeader() {
  const task = state.tasks.get(state.selected);
  el('task-detail-state').replaceWith(stateBadge(task?.state ?? 'unknown', 'task-detail-state'));
  if (!task) {
    el('task-detail-meta').textContent = '';
    return;
  }
  const result = task.result;
  el('task-detail-meta').replaceChildren(...[
    'on ', h('strong', {}, task.spec?.nodeId ?? '?'), ': ', h('code', {}, task.spec?.command ?? ''),
    result?.exitCode !== null && result?.exitCode !== undefined ? h('span', { class: 'sub', 'data-testid': 'task-detail-exit' }, `exit code ${result.exitCode}`) : null,
    result?.error ? h('span', { class: 'sub error-inline' }, result.error) : null,
  ].filter((part) => part !== null));
}

function appendOutput(stream, text) {
  const html = state.renderers[stream].push(text);
  if (!html) return;
  const chunk = h('span', { class: stream === 'stderr' ? 'chunk stderr' : 'chunk' });
  chunk.innerHTML = html; // escaped by the renderer: only its own spans are markup
  appendToPane(chunk);
}

function appendLine(kind, text) {
  appendToPane(h('span', { class: `chunk ${kind}` }, `${text}\n`));
}

function appendToPane(chunk) {
  const pane = el('task-output');
  const following = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 24;
  pane.append(chunk);
  state.outputChars += chunk.textContent.length;
  // Bound the page's memory: drop the oldest chunks, say so once.
  while (state.outputChars > MAX_OUTPUT_CHARS && pane.children.length > 2) {
    const first = pane.firstElementChild.classList.contains('trimmed') ? pane.children[1] : pane.firstElementChild;
    state.outputChars -= first.textContent.length;
    first.remove();
    if (!pane.firstElementChild.classList.contains('trimmed')) {
      pane.prepend(h('span', { class: 'chunk trimmed' }, '… earlier output dropped from this view; the journal below keeps the head …\n'));
    }
  }
  if (following) pane.scrollTop = pane.scrollHeight;
}

async function loadJournal() {
  const taskId = state.selected;
  if (!taskId) return;
  const view = await api.get(`/api/v1/tasks/${encodeURIComponent(taskId)}`, state.follow?.signal);
  if (taskId !== state.selected) return; // the user moved on
  const known = state.tasks.get(taskId);
  state.tasks.set(taskId, { ...known, ...view.task });
  if (!known) refreshTasksSoon();
  renderTasks();
  renderDetailHeader();
  const streams = [['stdout', view.stdout], ['stderr', view.stderr]].filter(([name, s]) => s && (name === 'stdout' || s.head || s.tail || s.omittedBytes));
  el('task-journal').replaceChildren(...streams.map(([name, s]) => journalStream(name, s)));
}

const loadJournalSoon = debounce(guarded(loadJournal), 1000);

/** Head, an explicit "… N bytes omitted …" marker, tail: what the hub kept of one stream. */
function journalStream(name, s) {
  const truncated = s.omittedBytes > 0;
  const head = h('pre', { class: 'terminal', 'data-testid': `journal-${name}-head` });
  const section = h('div', { class: 'journal-stream', 'data-testid': `journal-${name}`, 'data-omitted': s.omittedBytes },
    h('h4', {}, name), head);
  if (truncated) {
    head.innerHTML = ansiToHtml(s.head);
    const tail = h('pre', { class: 'terminal', 'data-testid': `journal-${name}-tail` });
    tail.innerHTML = ansiToHtml(s.tail);
    section.append(h('div', { class: 'omitted', 'data-testid': `journal-${name}-omitted` }, `… ${s.omittedBytes.toLocaleString('en')} bytes omitted …`), tail);
  } else {
    // Nothing dropped: head and tail are contiguous, render them as one text.
    head.innerHTML = ansiToHtml(s.head + s.tail);
    if (!s.head && !s.tail) head.append(h('span', { class: 'sub' }, '(no output yet)'));
  }
  return section;
}

// ---- Pool (pool.js renders it) -------------------------------------------------------------------

const refreshPoolSoon = debounce(guarded(() => loadPool(api, state.session?.signal)), 500);

// ---- Session and the event stream ---------------------------------------------------------------

function setLive(liveState) {
  const node = el('live-status');
  node.dataset.state = liveState;
  node.querySelector('.live-text').textContent = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', off: 'offline' }[liveState];
}

async function refreshAll() {
  await Promise.all([loadNodes(), loadTasks(), loadPool(api, state.session?.signal)].map((p) => p.catch(showError)));
  if (state.selected) guarded(loadJournal)();
}

function onHubEvent(e) {
  let event;
  try {
    event = JSON.parse(e.data);
  } catch {
    console.warn('unreadable hub event', e);
    return;
  }
  switch (e.event) {
    case 'node.status':
      onNodeStatus(event);
      break;
    case 'task.state':
      onTaskState(event);
      break;
    case 'task.output':
      if (event.taskId === state.selected) loadJournalSoon();
      break;
    case 'pool.item':
      refreshPoolSoon();
      break;
    case 'gap':
      // The hub dropped events we were too slow for: read everything again.
      guarded(refreshAll)();
      break;
    default:
      break;
  }
}

async function start() {
  if (!localStorage.getItem(KEY_STORAGE)) {
    showSignIn();
    return;
  }
  const session = new AbortController();
  state.session = session;
  el('sign-in').hidden = true;
  el('dashboard').hidden = false;
  el('sign-out').hidden = false;
  try {
    const me = await api.get('/api/v1/me', session.signal);
    el('whoami').textContent = `${me.userId} (${me.role})`;
  } catch (error) {
    showError(error);
    if (session.signal.aborted) return; // a bad key signed us out
  }

  setLive('connecting');
  // Lists are read each time the stream (re)opens: the subscription exists by then, so no change
  // between reading a list and the first event is missed.
  api.follow('/api/v1/events', {
    signal: session.signal,
    onOpen: () => { setLive('live'); guarded(refreshAll)(); },
    onEvent: onHubEvent,
    onDrop: () => setLive('reconnecting'),
    onError: (error) => { setLive('off'); showError(error); },
  });

  const wanted = /^#task=(.+)$/.exec(location.hash);
  if (wanted) selectTask(decodeURIComponent(wanted[1]));
}

function showSignIn() {
  el('dashboard').hidden = true;
  el('sign-out').hidden = true;
  el('sign-in').hidden = false;
  el('api-key').focus();
}

function signOut({ keepError = false } = {}) {
  state.session?.abort();
  state.follow?.abort();
  Object.assign(state, { session: null, follow: null, selected: null, nodes: new Map(), tasks: new Map() });
  localStorage.removeItem(KEY_STORAGE);
  el('whoami').textContent = '';
  el('task-detail').hidden = true;
  history.replaceState(null, '', location.pathname);
  setLive('off');
  if (!keepError) clearError();
  showSignIn();
}

function main() {
  installPalette();
  keepTimesCurrent();
  el('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = el('api-key').value.trim();
    if (!key) return;
    el('api-key').value = '';
    localStorage.setItem(KEY_STORAGE, key);
    clearError();
    guarded(start)();
  });
  el('sign-out').addEventListener('click', () => signOut());
  el('error-dismiss').addEventListener('click', clearError);
  el('dispatch-form').addEventListener('submit', (event) => guarded(dispatch)(event));
  guarded(start)();
}

main();
