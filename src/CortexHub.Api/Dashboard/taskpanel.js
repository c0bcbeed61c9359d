// The selected task: its header (state, node, command, exit code), Cancel / Re-run / Raw log, and
// one output view (logview.js) fed by GET /api/v1/tasks/{id}/events from the first event on, live
// while the task runs and the same once it ended; search over every line.

import { el, h } from './dom.js';
import { LogView } from './logview.js';
import { MAX_MATCHES } from './logsearch.js';
import { rerunRequest } from './rerun.js';

const TASK_STATES = ['queued', 'dispatched', 'running', 'succeeded', 'failed', 'cancelled', 'timedOut', 'lost'];
export const FINISHED = new Set(['succeeded', 'failed', 'cancelled', 'timedOut', 'lost']);
const TIMES_STORAGE = 'cortexhub.logTimes';

/** The API's camelCase name of a task state (events may spell it in lower case: "timedout"). */
export function taskState(name) {
  return TASK_STATES.find((s) => s.toLowerCase() === String(name).toLowerCase()) ?? name;
}

export function stateBadge(taskState, testId) {
  return h('span', { class: `badge state-${taskState}`, 'data-testid': testId, 'data-state': taskState }, taskState);
}

export class TaskPanel {
  /**
   * @param {{ api: import('./api.js').Api, tasks: () => Map<string, any>, session: () => AbortSignal | undefined,
   *           guarded: (action: Function) => Function, showError: (error: unknown) => void,
   *           onTaskChanged: (taskId: string, listed: boolean) => void, added: (task: any) => void }} host
   */
  constructor(host) {
    this.host = host;
    this.selected = null;
    this.follow = null;
    this.view = new LogView(el('task-output'));
    this.view.onSearch = (search) => this.showSearch(search);
    // A line number links to its line: the address names it (replaced, not a new history entry).
    this.view.onLineClick = (line) => {
      history.replaceState(null, '', `#task=${encodeURIComponent(this.selected)}&line=${line}`);
      this.view.goToLine(line, { scroll: false });
    };
    this.bind();
  }

  bind() {
    const { guarded } = this.host;
    el('task-cancel').addEventListener('click', guarded(() => this.cancel()));
    el('task-rerun').addEventListener('click', guarded(() => this.rerun()));
    el('task-download').addEventListener('click', guarded(() => this.download()));
    const search = el('log-search');
    search.addEventListener('input', () => this.view.find(search.value));
    search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.view.step(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape') {
        search.value = '';
        this.view.find('');
      }
    });
    el('log-search-next').addEventListener('click', () => this.view.step(1));
    el('log-search-prev').addEventListener('click', () => this.view.step(-1));
    el('log-top').addEventListener('click', () => this.view.toTop());
    el('log-end').addEventListener('click', () => this.view.toEnd());
    const times = el('log-timestamps');
    times.checked = localStorage.getItem(TIMES_STORAGE) !== 'off';
    const showTimes = () => el('task-output').classList.toggle('no-times', !times.checked);
    times.addEventListener('change', () => {
      localStorage.setItem(TIMES_STORAGE, times.checked ? 'on' : 'off');
      showTimes();
    });
    showTimes();
    // The browser's own find sees only the rendered rows: while a task is open, Ctrl+F searches all of it.
    document.addEventListener('keydown', (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f' && this.selected) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    });
  }

  /** Opens a task: reads its events from the first on into a fresh view; `line` (1-based) is scrolled to once it exists. */
  select(taskId, line = null) {
    if (this.selected === taskId && this.follow && !this.follow.signal.aborted) {
      if (line) this.view.goToLine(line);
      return;
    }
    this.follow?.abort();
    this.selected = taskId;
    el('task-none').hidden = true;
    el('task-head').hidden = false;
    el('task-output').hidden = false;
    el('task-detail-id').textContent = taskId;
    el('log-search').value = '';
    this.view.reset();
    if (line) this.view.goToLine(line);
    this.showSearch(this.view.search);
    this.renderHeader();

    const follow = new AbortController();
    this.follow = follow;
    this.host.session()?.addEventListener('abort', () => follow.abort(), { once: true });
    this.setFollow('connecting');
    this.host.api.follow(`/api/v1/tasks/${encodeURIComponent(taskId)}/events`, {
      signal: follow.signal,
      onOpen: () => this.setFollow('following'),
      onDrop: () => this.setFollow('reconnecting'),
      onError: (error) => { this.setFollow('off'); this.host.showError(error); },
      onEvent: (e) => this.onEvent(taskId, e),
    });
    this.host.guarded(() => this.load())();
  }

  close() {
    this.follow?.abort();
    this.follow = null;
    this.selected = null;
    el('task-none').hidden = false;
    el('task-head').hidden = true;
    el('task-output').hidden = true;
    this.view.reset();
  }

  /** Handles one event of the selected task's stream; false ends the stream. */
  onEvent(taskId, e) {
    if (taskId !== this.selected) return false;
    let data;
    try {
      data = JSON.parse(e.data);
    } catch {
      console.warn('unreadable task event', e);
      return true;
    }
    const model = this.view.model;
    switch (e.event) {
      case 'output':
        model.append(data.stream === 'stderr' ? 'stderr' : 'stdout', data.text ?? '', data.at ?? null);
        break;
      case 'lost':
        model.note('note', data.text ?? `events ${data.from}–${data.to} were lost`, data.at ?? null);
        break;
      case 'thought':
        model.note('thought', `thought: ${data.text}`, data.at ?? null);
        break;
      case 'progress':
        this.setFollow('following', `${Math.round((data.fraction ?? 0) * 100)}% ${data.message ?? ''}`.trim());
        return true;
      case 'result':
        model.note('result', `[${data.outcome}${data.exitCode !== null && data.exitCode !== undefined ? `, exit code ${data.exitCode}` : ''}${data.error ? `: ${data.error}` : ''}]`, data.at ?? null);
        break;
      case 'end': {
        const task = this.host.tasks().get(taskId);
        if (task) {
          task.state = taskState(data.state);
          if (data.exitCode !== null && data.exitCode !== undefined) task.result = { ...task.result, exitCode: data.exitCode };
          this.host.onTaskChanged(taskId, true);
        }
        this.setFollow('ended');
        this.host.guarded(() => this.load({ ended: true }))();
        return false;
      }
      default:
        return true;
    }
    this.view.changed();
    this.showLineCount();
    return true;
  }

  /** Reads the task (GET /tasks/{id}) for the header; once it ended, says what the full-log cap dropped. */
  async load({ ended = false } = {}) {
    const taskId = this.selected;
    if (!taskId) return;
    const view = await this.host.api.get(`/api/v1/tasks/${encodeURIComponent(taskId)}`, this.follow?.signal);
    if (taskId !== this.selected) return; // the user moved on
    const tasks = this.host.tasks();
    const known = tasks.has(taskId);
    tasks.set(taskId, { ...tasks.get(taskId), ...view.task });
    this.host.onTaskChanged(taskId, known);
    if (ended && view.fullLogOmittedBytes > 0) {
      this.view.model.note('note', `… ${view.fullLogOmittedBytes.toLocaleString('en')} more bytes were past the full-log cap and not kept; GET /api/v1/tasks/${taskId} has the tail …`);
      this.view.changed();
      this.showLineCount();
    }
  }

  /** The selected task's state changed (hub event or a list read): header and buttons follow. */
  renderHeader() {
    const task = this.host.tasks().get(this.selected);
    const current = task?.state ?? 'unknown';
    el('task-detail-state').replaceWith(stateBadge(current, 'task-detail-state'));
    el('task-cancel').disabled = !task || FINISHED.has(current);
    el('task-rerun').disabled = !task?.spec;
    if (!task) {
      el('task-detail-meta').textContent = '';
      return;
    }
    const result = task.result;
    el('task-detail-meta').replaceChildren(...[
      'on ', h('strong', { 'data-testid': 'task-detail-node' }, task.spec?.nodeId ?? '?'), ': ', h('code', { 'data-testid': 'task-detail-command' }, task.spec?.command ?? ''),
      result?.exitCode !== null && result?.exitCode !== undefined ? h('span', { class: 'sub', 'data-testid': 'task-detail-exit' }, `exit code ${result.exitCode}`) : null,
      result?.error ? h('span', { class: 'sub error-inline' }, result.error) : null,
    ].filter((part) => part !== null));
  }

  setFollow(followState, text) {
    const node = el('task-follow');
    node.dataset.state = followState;
    node.textContent = text ?? { connecting: 'connecting…', following: 'live', reconnecting: 'reconnecting…', ended: 'finished', off: '' }[followState];
  }

  showLineCount() {
    const count = this.view.model.length;
    const node = el('log-line-count');
    node.dataset.count = String(count);
    node.textContent = `${count.toLocaleString('en')} lines`;
  }

  showSearch({ query, matches, complete, current }) {
    const count = el('log-search-count');
    count.dataset.count = String(matches.length);
    if (!query) count.textContent = '';
    else if (matches.length === 0) count.textContent = 'no matches';
    else {
      const total = complete ? matches.length.toLocaleString('en') : `${MAX_MATCHES.toLocaleString('en')}+`;
      count.textContent = current >= 0 ? `${(current + 1).toLocaleString('en')} of ${total}` : `${total} matches`;
    }
  }

  async cancel() {
    const taskId = this.selected;
    el('task-cancel').disabled = true;
    const task = await this.host.api.post(`/api/v1/tasks/${encodeURIComponent(taskId)}/cancel`, {}, this.host.session());
    this.host.tasks().set(taskId, { ...this.host.tasks().get(taskId), ...task });
    this.host.onTaskChanged(taskId, true);
  }

  async rerun() {
    const spec = this.host.tasks().get(this.selected)?.spec;
    if (!spec) return;
    const button = el('task-rerun');
    button.disabled = true;
    try {
      this.host.added(await this.host.api.post('/api/v1/tasks', rerunRequest(spec), this.host.session()));
    } finally {
      button.disabled = false;
    }
  }

  /** The whole log (stdout and stderr as they came) as a file; fetched with the key, so not a plain link. */
  async download() {
    const taskId = this.selected;
    const text = await this.host.api.text(`/api/v1/tasks/${encodeURIComponent(taskId)}/logs?stream=all`, this.host.session());
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = h('a', { href: url, download: `${taskId}.log`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000); // the download has started long before
  }
}
