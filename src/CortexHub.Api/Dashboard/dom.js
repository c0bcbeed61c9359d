// Small DOM and formatting helpers shared by the dashboard's modules.

export const el = (testId) => document.querySelector(`[data-testid="${testId}"]`);

/** Creates an element; attributes are set as attributes (so data-testid works), children as text or nodes. */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Runs fn at most once per `ms`, after the last call (trailing), so bursts of events cost one request. */
export function debounce(fn, ms) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}

/** A generated id (a task's t-<32 hex>, a session's s-<32 hex>) shortened for a list; the full id is the element's title. */
export function shortId(id) {
  return /^[ts]-[0-9a-f]{32}$/.test(id) ? `${id.slice(0, 10)}…` : id;
}

// ---- Time ---------------------------------------------------------------------------------------

export function ago(iso) {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}

/** A time cell that the ticker keeps current. */
export function timeCell(iso) {
  return h('td', { 'data-time': iso ?? '', title: iso ?? '' }, ago(iso));
}

/** .NET TimeSpan text ("1.02:03:04.5", "00:00:12") in seconds, or null when it is not one. */
export function timeSpanSeconds(span) {
  const m = /^(-)?(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(span ?? '');
  if (!m) return null;
  const seconds = Number(m[2] ?? 0) * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]);
  return m[1] ? -seconds : seconds;
}

/** .NET TimeSpan text ("1.02:03:04.5", "00:00:12.34") as "12 s", "3 min", "26 h". */
export function duration(span) {
  const seconds = timeSpanSeconds(span);
  if (seconds === null) return span ?? '';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h`;
}

/** Keeps every time cell's "… ago" current. */
export function keepTimesCurrent(intervalMs = 5000) {
  setInterval(() => {
    for (const cell of document.querySelectorAll('[data-time]')) cell.textContent = ago(cell.dataset.time);
  }, intervalMs);
}
