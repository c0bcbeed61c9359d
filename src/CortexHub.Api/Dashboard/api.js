// The HTTP API (/api/v1) as the dashboard uses it: JSON requests with the API key, problem+json
// errors as ApiError, and Server-Sent Events read with fetch (EventSource cannot send headers).

/** A failed request: the problem+json fields when the hub sent them, else a description. */
export class ApiError extends Error {
  constructor({ status = 0, title, detail = null, errorId = null, errors = null }) {
    super(detail ? `${title} ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errorId = errorId;
    this.errors = errors;
  }

  /** 4xx: asking again will not help (except 408/429). */
  get permanent() {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

export class Api {
  /** @param {() => string | null} key returns the current API key */
  constructor(key) {
    this.key = key;
  }

  get(path, signal) {
    return this.request('GET', path, undefined, signal);
  }

  post(path, body, signal) {
    return this.request('POST', path, body, signal);
  }

  /** GET of a text/plain answer (a task's log). */
  text(path, signal) {
    return this.request('GET', path, undefined, signal, 'text');
  }

  async request(method, path, body, signal, answer = 'json') {
    const headers = { Accept: answer === 'json' ? 'application/json' : 'text/plain', Authorization: `Bearer ${this.key()}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError({ title: 'The hub could not be reached.', detail: String(error.message ?? error) });
    }
    if (!response.ok) throw await problemOf(response);
    if (response.status === 204) return null;
    return answer === 'json' ? response.json() : response.text();
  }

  /**
   * Follows an SSE endpoint until `signal` aborts or a handler returns false (e.g. on `end`),
   * reconnecting after drops with Last-Event-ID so no event is lost or repeated.
   * A 4xx answer (bad key, unknown task) stops it: onError gets the ApiError and it returns.
   * @param {string} path
   * @param {{ signal: AbortSignal, lastEventId?: string | null,
   *           onOpen?: () => void, onEvent: (e: {id: string | null, event: string, data: string}) => boolean | void,
   *           onDrop?: (error: Error | null, retryMs: number) => void, onError?: (error: ApiError) => void }} options
   */
  async follow(path, { signal, lastEventId = null, onOpen, onEvent, onDrop, onError }) {
    let retryMs = 1000;
    while (!signal.aborted) {
      let stopped = false;
      let failure = null;
      try {
        const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${this.key()}` };
        if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
        const response = await fetch(path, { headers, signal, cache: 'no-store' });
        if (!response.ok) throw await problemOf(response);
        retryMs = 1000;
        onOpen?.();
        for await (const e of readEvents(response.body, signal)) {
          if (e.id !== null) lastEventId = e.id;
          if (e.retry !== null) retryMs = e.retry;
          if (onEvent({ id: e.id, event: e.event, data: e.data }) === false) {
            stopped = true;
            break;
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.permanent) {
          onError?.(error);
          return;
        }
        failure = error;
      }
      if (stopped || signal.aborted) return;
      // Dropped (network, silo restart) or ended by the hub: come back after a pause, growing up to 15 s.
      onDrop?.(failure, retryMs);
      await delay(retryMs, signal);
      retryMs = Math.min(retryMs * 2, 15000);
    }
  }
}

/** Reads a text/event-stream body: yields {id, event, data, retry} per dispatched event. */
export async function* readEvents(body, signal) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data = [];
  let event = '';
  let id = null;
  let retry = null;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return; // an event without its blank line is incomplete: dropped, as the spec says
      buffer += decoder.decode(value, { stream: true });
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        // A '\r' at the very end may be the first half of "\r\n": wait for more.
        if (c === '\r' && i === buffer.length - 1) break;
        const line = buffer.slice(start, i);
        if (c === '\r' && buffer[i + 1] === '\n') i++;
        start = i + 1;
        if (line === '') {
          if (data.length > 0) yield { id, event: event || 'message', data: data.join('\n'), retry };
          data = [];
          event = '';
          retry = null;
          continue;
        }
        if (line.startsWith(':')) continue; // a comment (keep-alive)
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'data') data.push(text);
        else if (field === 'event') event = text;
        else if (field === 'id' && !text.includes('\0')) id = text;
        else if (field === 'retry' && /^\d+$/.test(text)) retry = Number(text);
      }
      buffer = buffer.slice(start);
    }
  } finally {
    if (!signal?.aborted) reader.cancel().catch(() => {}); // best effort: the connection may be gone
  }
}

async function problemOf(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const p = await response.json();
      return new ApiError({
        status: response.status,
        title: p.title ?? `HTTP ${response.status}`,
        detail: p.detail ?? null,
        errorId: p.errorId ?? null,
        errors: p.errors ?? null,
      });
    } catch {
      // Not the JSON it claimed to be: fall through to the plain description.
    }
  }
  return new ApiError({ status: response.status, title: `HTTP ${response.status} ${response.statusText}`.trim() });
}

function delay(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
