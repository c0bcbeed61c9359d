// The CortexHub dashboard: nodes with live status, tasks (dispatch, the selected task's output),
// terminal sessions (open one on a node, attach to one) and the work pool. Everything goes through
// /api/v1 with the API key the user entered; live changes come from /api/v1/events, the selected
// task's /api/v1/tasks/{id}/events and the selected session's attach WebSocket.
// The selected task or session is in the address (#task=<id>, #session=<id>): each selection is a
// history entry, so Back, Forward and a pasted address open what they name.

import { Api, ApiError } from './api.js';
import { installPalette } from './ansi.js';
import { debounce, el, h, keepTimesCurrent, shortId, timeCell } from './dom.js';
import { loadPool } from './pool.js';
import { loadSessions, renderSessions } from './sessions.js';
import { TaskPanel, stateBadge, taskState } from './taskpanel.js';
import { TerminalPanel } from './terminalpanel.js';

const KEY_STORAGE = 'cortexhub.apiKey';
const TASK_LIST_LIMIT = 100;

const api = new Api(() => localStorage.getItem(KEY_STORAGE));

const state = {
  /** @type {Map<string, any>} node id → NodeSnapshot */
  nodes: new Map(),
  /** @type {Map<string, any>} task id → TaskSnapshot, newest first */
  tasks: new Map(),
  /** @type {Map<string, any>} session id → SessionView, newest first */
  sessions: new Map(),
  /** Aborts everything of the signed-in session (streams, requests). */
  session: null,
};

/** @type {TaskPanel} */
let panel;
/** @type {TerminalPanel} */
let terminal;

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
      timeCell(n.lastSeenAt),
      h('td', {}, h('button', {
        type: 'button',
        class: 'secondary small',
        'data-testid': `node-${n.nodeId}-terminal`,
        title: `Open a terminal on ${n.nodeId} (a login shell)`,
        onclick: (event) => { event.stopPropagation(); guarded(() => openTerminal(n.nodeId))(); },
      }, 'Terminal')))));
  el('nodes-count').textContent = nodes.length ? `${nodes.filter((n) => n.status === 'online').length}/${nodes.length} online` : '';
  el('nodes-empty').hidden = nodes.length > 0;
  el('tasks-empty').textContent = emptyTasksHint();
  renderNodeChoices();
}

function statusDot(status) {
  return h('span', { class: `dot status-${status}`, title: status, 'aria-hidden': 'true' });
}

/** The node lists of the dispatch and session forms: online nodes first; each keeps the user's choice. */
function renderNodeChoices() {
  renderNodeChoice(el('dispatch-node'));
  renderNodeChoice(el('session-node'));
}

function renderNodeChoice(select) {
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

function renderTasks() {
  const tasks = [...state.tasks.values()];
  el('tasks').replaceChildren(...tasks.map((t) =>
    h('tr', {
      'data-testid': `task-${t.taskId}`,
      'data-state': t.state,
      class: t.taskId === panel.selected ? 'selected' : null,
      'aria-selected': t.taskId === panel.selected ? 'true' : null,
      onclick: () => openTask(t.taskId),
    },
    h('td', {}, h('button', { type: 'button', class: 'link', title: t.taskId }, shortId(t.taskId))),
    h('td', {}, stateBadge(t.state)),
    h('td', {}, t.spec?.nodeId ?? '—'),
    h('td', { class: 'command' }, h('code', {}, t.spec?.command || (t.spec?.terminal ? 'login shell' : ''))),
    h('td', { class: 'exit' }, t.result?.exitCode ?? ''),
    timeCell(lastChange(t)))));
  el('tasks-count').textContent = tasks.length ? String(tasks.length) : '';
  el('tasks-empty').hidden = tasks.length > 0;
  el('tasks-empty').textContent = emptyTasksHint();
}

/** What to do first, for what the hub has: no node, no node online, or just no task yet. */
function emptyTasksHint() {
  const nodes = [...state.nodes.values()];
  if (nodes.length === 0) return 'No tasks yet. A task runs on a node: provision one first (see Nodes).';
  const online = nodes.find((n) => n.status === 'online');
  if (!online) return `No tasks yet, and no node is online: start the agent on one (bash node.sh on that machine, as provisioned).`;
  return `No tasks yet. Choose a node and dispatch a command above, or from a terminal: cortex run --node ${online.nodeId} -- <command>`;
}

function onTaskState(e) {
  onSessionState(e);
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
  if (e.taskId === panel.selected) panel.renderHeader();
}

async function dispatch(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const button = el('dispatch-submit');
  button.disabled = true;
  try {
    const task = await api.post('/api/v1/tasks', { nodeId: form.node.value, command: form.command.value }, state.session?.signal);
    form.command.value = '';
    clearError();
    addTask(task);
  } finally {
    button.disabled = false;
  }
}

/** A task this page dispatched: first in the list (newest first) and selected. */
function addTask(task) {
  state.tasks = new Map([[task.taskId, task], ...[...state.tasks].filter(([id]) => id !== task.taskId)]);
  openTask(task.taskId);
}

// ---- Sessions (sessions.js lists them, terminalpanel.js shows the selected one) ------------------

async function loadSessionList() {
  const sessions = await loadSessions(api, state.session?.signal);
  state.sessions = new Map(sessions.map((s) => [s.id, s]));
  renderSessionList();
}

const refreshSessionsSoon = debounce(guarded(loadSessionList), 300);

function renderSessionList() {
  renderSessions([...state.sessions.values()], { selected: terminal.selected, open: openSession });
}

/** A session is a task: its state changes come as task.state events. */
function onSessionState(e) {
  const session = state.sessions.get(e.taskId);
  if (!session) {
    if (!state.tasks.has(e.taskId)) refreshSessionsSoon(); // maybe a session opened elsewhere (the CLI)
    return;
  }
  session.state = taskState(e.payload.state);
  if (e.payload.exitCode !== null && e.payload.exitCode !== undefined) session.exitCode = e.payload.exitCode;
  onSessionChanged(e.taskId);
}

function onSessionChanged(sessionId) {
  renderSessionList();
  if (sessionId === terminal.selected) terminal.renderHeader();
}

/** "Terminal" on a node, or the session form: the command (a login shell without one) in a terminal sized to the panel. */
async function openTerminal(nodeId, command = null) {
  panel.close();
  renderTasks();
  const { columns, rows } = terminal.prepare();
  let view;
  try {
    view = await api.post('/api/v1/sessions', { nodeId, command: command || null, columns, rows }, state.session?.signal);
  } catch (error) {
    terminal.setLink('failed');
    throw error;
  }
  clearError();
  state.sessions = new Map([[view.id, view], ...[...state.sessions].filter(([id]) => id !== view.id)]);
  openSession(view.id);
}

// ---- The selected task (taskpanel.js) or session, and the address -------------------------------

/** The task the address names (#task=<id>, optionally &line=<n>), or null. */
function taskInAddress() {
  const wanted = /^#task=([^&]+)(?:&line=(\d+))?$/.exec(location.hash);
  return wanted ? { taskId: decodeURIComponent(wanted[1]), line: wanted[2] ? Number(wanted[2]) : null } : null;
}

/** The session the address names (#session=<id>), or null. */
function sessionInAddress() {
  const wanted = /^#session=([^&]+)$/.exec(location.hash);
  return wanted ? decodeURIComponent(wanted[1]) : null;
}

/** Shows a session as the user asked: a new history entry, like a task. */
function openSession(sessionId) {
  if (sessionInAddress() !== sessionId) history.pushState(null, '', `#session=${encodeURIComponent(sessionId)}`);
  showSession(sessionId);
}

function showSession(sessionId) {
  panel.close();
  terminal.select(sessionId);
  renderTasks();
  renderSessionList();
}

/** Selects a task as the user asked: a new history entry, so Back returns to the one before. */
function openTask(taskId) {
  const hash = `#task=${encodeURIComponent(taskId)}`;
  if (taskInAddress()?.taskId !== taskId) history.pushState(null, '', hash);
  showTask(taskId);
}

/** Shows what the address names (a pasted address, Back, Forward). */
function followAddress() {
  if (!state.session) return;
  const wanted = taskInAddress();
  const session = sessionInAddress();
  if (wanted) showTask(wanted.taskId, wanted.line);
  else if (session) showSession(session);
  else {
    panel.close();
    terminal.close();
    renderTasks();
    renderSessionList();
  }
}

function showTask(taskId, line = null) {
  terminal.close();
  panel.select(taskId, line);
  renderTasks();
  renderSessionList();
}

/** The panel learned something about a task; one the list lacks (older than its page) is read again. */
function onTaskChanged(taskId, listed) {
  if (!listed) refreshTasksSoon();
  renderTasks();
  panel.renderHeader();
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
  await Promise.all([loadNodes(), loadTasks(), loadSessionList(), loadPool(api, state.session?.signal)].map((p) => p.catch(showError)));
  if (panel.selected) guarded(() => panel.load())();
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

  followAddress();
}

function showSignIn() {
  el('dashboard').hidden = true;
  el('sign-out').hidden = true;
  el('sign-in').hidden = false;
  el('api-key').focus();
}

function signOut({ keepError = false } = {}) {
  state.session?.abort();
  panel.close();
  terminal.close();
  Object.assign(state, { session: null, nodes: new Map(), tasks: new Map(), sessions: new Map() });
  localStorage.removeItem(KEY_STORAGE);
  el('whoami').textContent = '';
  history.replaceState(null, '', location.pathname);
  setLive('off');
  if (!keepError) clearError();
  showSignIn();
}

function main() {
  installPalette();
  keepTimesCurrent();
  panel = new TaskPanel({
    api,
    tasks: () => state.tasks,
    session: () => state.session?.signal,
    guarded,
    showError,
    onTaskChanged,
    added: addTask,
  });
  terminal = new TerminalPanel({
    api,
    key: () => localStorage.getItem(KEY_STORAGE),
    sessions: () => state.sessions,
    session: () => state.session?.signal,
    guarded,
    showError,
    problem: (frame) => new ApiError({ status: frame.status ?? 0, title: frame.title ?? 'The terminal connection failed.', detail: frame.detail ?? null, errorId: frame.errorId ?? null }),
    onSessionChanged,
  });
  // Back and Forward between tasks (popstate); an address edited by hand (hashchange). Both may
  // fire for one step: showing the task already shown does nothing.
  window.addEventListener('popstate', followAddress);
  window.addEventListener('hashchange', followAddress);
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
  el('session-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    guarded(() => openTerminal(form.node.value, form.command.value.trim()))();
  });
  guarded(start)();
}

main();
