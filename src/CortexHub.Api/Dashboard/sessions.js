// The sessions panel: the signed-in user's terminal sessions (GET /api/v1/sessions, newest first).

import { el, h, shortId, timeCell } from './dom.js';
import { stateBadge } from './taskpanel.js';

/** Reads the caller's sessions: SessionView objects, newest first. */
export async function loadSessions(api, signal) {
  const answer = await api.get('/api/v1/sessions', signal);
  return answer.sessions ?? [];
}

/**
 * @param {any[]} sessions SessionView objects, newest first
 * @param {{ selected: string | null, open: (sessionId: string) => void }} options
 */
export function renderSessions(sessions, { selected, open }) {
  el('sessions').replaceChildren(...sessions.map((s) =>
    h('tr', {
      'data-testid': `session-${s.id}`,
      'data-state': s.state,
      class: s.id === selected ? 'selected' : null,
      'aria-selected': s.id === selected ? 'true' : null,
      onclick: () => open(s.id),
    },
    h('td', {}, h('button', { type: 'button', class: 'link', title: s.id }, shortId(s.id))),
    h('td', {}, stateBadge(s.state)),
    h('td', {}, s.nodeId),
    h('td', { class: 'command' }, h('code', {}, s.command || 'login shell')),
    h('td', { class: 'size' }, `${s.columns}×${s.rows}`),
    timeCell(s.openedAt))));
  el('sessions-count').textContent = sessions.length ? String(sessions.length) : '';
  el('sessions-empty').hidden = sessions.length > 0;
}
