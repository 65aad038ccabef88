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


internal.web = { DOMException, Event, EventTarget, AbortSignal, AbortController };
