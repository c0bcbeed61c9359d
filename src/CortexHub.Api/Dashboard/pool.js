// The work pool panel: counts per state, waiting items per priority, in-flight items per node.

import { duration, el, h } from './dom.js';

const POOL_STATES = ['available', 'claimed', 'done', 'dead', 'cancelled'];

/** Enum-keyed dictionaries may come camelCase or PascalCase: compare in camelCase. */
const camel = (key) => key.charAt(0).toLowerCase() + key.slice(1);

/** Reads /api/v1/pool/stats and renders it. */
export async function loadPool(api, signal) {
  const stats = await api.get('/api/v1/pool/stats', signal);
  const counts = Object.fromEntries(Object.entries(stats.counts ?? {}).map(([k, v]) => [camel(k), v]));
  el('pool-counts').replaceChildren(...POOL_STATES.map((s) =>
    h('div', { class: `tile pool-${s}`, 'data-testid': `pool-count-${s}`, 'data-count': counts[s] ?? 0 },
      h('span', { class: 'tile-value' }, (counts[s] ?? 0).toLocaleString('en')), h('span', { class: 'tile-label' }, s))));
  const depth = Object.entries(stats.depthByPriority ?? {}).sort(([a], [b]) => Number(b) - Number(a));
  el('pool-depth').replaceChildren(...(depth.length
    ? depth.map(([priority, n]) => h('tr', { 'data-testid': `pool-priority-${priority}` }, h('td', {}, priority), h('td', {}, n)))
    : [h('tr', {}, h('td', { colspan: 2, class: 'sub' }, 'nothing waiting'))]));
  const inFlight = Object.entries(stats.inFlightByNode ?? {}).sort(([a], [b]) => a.localeCompare(b));
  el('pool-inflight').replaceChildren(...(inFlight.length
    ? inFlight.map(([node, n]) => h('tr', {}, h('td', {}, node), h('td', {}, n)))
    : [h('tr', {}, h('td', { colspan: 2, class: 'sub' }, 'none'))]));
  el('pool-oldest').textContent = stats.oldestAvailableAge ? `oldest waiting ${duration(stats.oldestAvailableAge)}` : '';
}
