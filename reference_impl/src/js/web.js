// On demand: the web platform pieces cases reach for — DOMException, Event, EventTarget,
// AbortController and AbortSignal (with AbortSignal.timeout on an unrefed timer).

const loop = internal.loop;

// ---- EventTarget, AbortController, AbortSignal, DOMException -------------------------------

const domCodes = { AbortError: 20, TimeoutError: 23 };
class DOMException extends Error {
  #name;
  constructor(message = '', options = 'Error') {
    super(message);
    this.#name = typeof options === 'object' && options !== null ? options.name || 'Error' : String(options);
    if (typeof options === 'object' && options !== null && 'cause' in options) {
      this.cause = options.cause;
    }
  }
  get name() {
    return this.#name;
  }
  get code() {
    return domCodes[this.#name] || 0;
  }
}

class Event {
  constructor(type, init = {}) {
    this.type = String(type);
    this.bubbles = !!init.bubbles;
    this.cancelable = !!init.cancelable;
    this.defaultPrevented = false;
    this.target = null;
    this.currentTarget = null;
    this.timeStamp = loop.now();
  }
  preventDefault() {
    if (this.cancelable) this.defaultPrevented = true;
  }
  stopPropagation() {}
  stopImmediatePropagation() {
    this._stop = true;
  }
}

const kListeners = Symbol('kListeners');
class EventTarget {
  constructor() {
    this[kListeners] = new Map();
  }
  addEventListener(type, listener, options) {
    if (listener === null || listener === undefined) return;
    const once = typeof options === 'object' && options !== null && !!options.once;
    const list = this[kListeners].get(type) || [];
    if (list.some((l) => l.listener === listener)) return;
    list.push({ listener, once });
    this[kListeners].set(type, list);
    const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
    if (signal) signal.addEventListener('abort', () => this.removeEventListener(type, listener));
  }
  removeEventListener(type, listener) {
    const list = this[kListeners].get(type);
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener);
    if (i !== -1) list.splice(i, 1);
  }
  dispatchEvent(event) {
    event.target = this;
    event.currentTarget = this;
    const handler = this['on' + event.type];
    const list = (this[kListeners].get(event.type) || []).slice();
    if (typeof handler === 'function') list.unshift({ listener: handler, once: false });
    for (const entry of list) {
      if (entry.once) this.removeEventListener(event.type, entry.listener);
      try {
        if (typeof entry.listener === 'function') entry.listener.call(this, event);
        else entry.listener.handleEvent(event);
      } catch (e) {
        // Node reports a throwing listener as an uncaught exception, on the next tick.
        loop.nextTick(() => {
          throw e;
        });
      }
      if (event._stop) break;
    }
    return !event.defaultPrevented;
  }
}

const kDependants = Symbol('kDependants');

// The signal's own listeners first, then the signals AbortSignal.any() made from it, in the
// same synchronous execution (spec: ALS-PATH-023).
function abortSignal(signal, reason) {
  if (signal.aborted) return;
  signal._aborted = true;
  signal._reason = reason;
  signal.dispatchEvent(new Event('abort'));
  const dependants = signal[kDependants];
  if (dependants) for (const d of dependants) abortSignal(d, reason);
}

class AbortSignal extends EventTarget {
  constructor() {
    super();
    this._aborted = false;
    this._reason = undefined;
    this.onabort = null;
  }
  get aborted() {
    return this._aborted;
  }
  get reason() {
    return this._reason;
  }
  throwIfAborted() {
    if (this._aborted) throw this._reason;
  }
  static abort(reason = new DOMException('This operation was aborted', 'AbortError')) {
    const s = new AbortSignal();
    s._aborted = true;
    s._reason = reason;
    return s;
  }
  static timeout(delay) {
    const signal = new AbortSignal();
    // An unrefed timer: the signal does not keep the process alive.
    const t = new loop.Timeout(
      () => abortSignal(signal, new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      delay,
      undefined,
      false,
      false,
    );
    loop.armUnrefed(t);
    return signal;
  }
  static any(signals) {
    const s = new AbortSignal();
    for (const x of signals) {
      if (x.aborted) {
        s._aborted = true;
        s._reason = x.reason;
        return s;
      }
    }
    for (const x of signals) {
      if (!x[kDependants]) x[kDependants] = [];
      x[kDependants].push(s);
    }
    return s;
  }
}

class AbortController {
  #signal = new AbortSignal();
  get signal() {
    return this.#signal;
  }
  abort(reason = new DOMException('This operation was aborted', 'AbortError')) {
    abortSignal(this.#signal, reason);
  }
}

// ---- fetch ----------------------------------------------------------------------------------

// fetch() over node:http on the loopback network (spec: FETCH-*). Node's fetch (undici) is
// JavaScript over promises and its own keep-alive connection pool; here a keep-alive http Agent
// plays the pool, the promise settles from the request's callbacks and the body is a
// ReadableStream fed by the response's data events. Every continuation a case can see is a
// promise reaction, so it runs in the context of the code that awaited it, as in Node.

let fetchAgent = null;
const http = () => internal.need('http', 'internal/http.js').module;
const webExtra = () => internal.need('webExtra', 'internal/web_extra.js');

class Headers {
  constructor(init) {
    this._map = new Map(); // lower-case name -> value
    if (init instanceof Headers) for (const [k, v] of init) this.append(k, v);
    else if (Array.isArray(init)) for (const [k, v] of init) this.append(k, v);
    else if (init) for (const k of Object.keys(init)) this.append(k, init[k]);
  }
  append(name, value) {
    const key = String(name).toLowerCase();
    const known = this._map.get(key);
    this._map.set(key, known === undefined ? String(value) : `${known}, ${value}`);
  }
  set(name, value) {
    this._map.set(String(name).toLowerCase(), String(value));
  }
  get(name) {
    const v = this._map.get(String(name).toLowerCase());
    return v === undefined ? null : v;
  }
  has(name) {
    return this._map.has(String(name).toLowerCase());
  }
  delete(name) {
    this._map.delete(String(name).toLowerCase());
  }
  forEach(fn, thisArg) {
    for (const [k, v] of this) fn.call(thisArg, v, k, this);
  }
  *entries() {
    yield* [...this._map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  *keys() {
    for (const [k] of this.entries()) yield k;
  }
  *values() {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

function bodyUsedError() {
  return new TypeError('Body is unusable: Body has already been read');
}

class Response {
  constructor(body = null, init = {}) {
    const { ReadableStream } = webExtra();
    if (body !== null && !(body instanceof ReadableStream)) {
      const bytes = new (webExtra().TextEncoder)().encode(String(body));
      body = new ReadableStream({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
    }
    this.body = body;
    this.status = init.status === undefined ? 200 : init.status;
    this.statusText = init.statusText === undefined ? '' : String(init.statusText);
    this.headers = new Headers(init.headers);
    this.url = init.url || '';
    this.redirected = false;
    this.type = 'default';
  }
  get ok() {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed() {
    return this.body !== null && (this.body.locked || this._used === true);
  }
  // All the bytes of the body, read through its stream.
  async _bytes() {
    if (this.bodyUsed) throw bodyUsedError();
    this._used = true;
    if (this.body === null) return new Uint8Array(0);
    const reader = this.body.getReader();
    const parts = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      length += value.length;
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  async arrayBuffer() {
    return (await this._bytes()).buffer;
  }
  async text() {
    return new (webExtra().TextDecoder)().decode(await this._bytes());
  }
  async json() {
    return JSON.parse(await this.text());
  }
}

function fetchFailed(cause) {
  const e = new TypeError('fetch failed');
  e.cause = cause;
  return e;
}

function fetch(input, init = {}) {
  return new Promise((resolve, reject) => {
    const href = typeof input === 'string' ? input : input && typeof input.href === 'string' ? input.href : String(input && input.url !== undefined ? input.url : input);
    const m = /^http:\/\/([^/:?#]+)(?::(\d+))?([^#]*)/i.exec(href);
    if (!m) {
      reject(fetchFailed(new Error(`unsupported URL ${href}`)));
      return;
    }
    const signal = init.signal;
    if (signal && signal.aborted) {
      reject(signal.reason);
      return;
    }
    if (fetchAgent === null) fetchAgent = new (http().Agent)({ keepAlive: true });
    const method = String(init.method || 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const options = {
      host: m[1],
      port: m[2] ? Number(m[2]) : 80,
      path: m[3] || '/',
      method,
      agent: fetchAgent,
      headers: Object.fromEntries(headers),
    };
    let settled = false;
    const req = http().request(options, (res) => {
      const { ReadableStream } = webExtra();
      const body = new ReadableStream({
        start(controller) {
          res.on('data', (chunk) => controller.enqueue(new Uint8Array(chunk)));
          res.on('end', () => controller.close());
          res.on('error', (err) => controller.error(err));
        },
      });
      const list = [];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) list.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
      settled = true;
      resolve(new Response(method === 'HEAD' ? null : body, {
        status: res.statusCode,
        statusText: res.statusMessage,
        headers: list,
        url: href,
      }));
    });
    req.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(fetchFailed(err));
    });
    if (signal) {
      signal.addEventListener('abort', () => {
        if (settled) return;
        settled = true;
        reject(signal.reason);
        req.destroy();
      }, { once: true });
    }
    if (init.body !== undefined && init.body !== null) req.end(String(init.body));
    else req.end();
  });
}

internal.web = { DOMException, Event, EventTarget, AbortSignal, AbortController, fetch, Headers, Response };
