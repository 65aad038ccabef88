// The rest of what cases reach for: globals (timers, queueMicrotask, console, Buffer,
// EventTarget, AbortController/AbortSignal, DOMException), node:util, node:timers,
// node:timers/promises, the built-in module table, CommonJS `require`, and the entry points
// the engine calls: runMain() and runLoop().

const { host } = internal;
const { codes, validateFunction } = internal.errors;
const ah = internal.asyncHooks;
const loop = internal.loop;
const process = internal.process;
const { EventEmitter } = internal.events;

// ---- Buffer (enough to carry bytes and print them as text) --------------------------------

function utf8Encode(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.codePointAt(i);
    if (c > 0xffff) i++;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
  }
  return out;
}

function utf8Decode(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let c;
    if (b < 0x80) {
      c = b;
      i += 1;
    } else if (b < 0xe0) {
      c = ((b & 31) << 6) | (bytes[i + 1] & 63);
      i += 2;
    } else if (b < 0xf0) {
      c = ((b & 15) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63);
      i += 3;
    } else {
      c = ((b & 7) << 18) | ((bytes[i + 1] & 63) << 12) | ((bytes[i + 2] & 63) << 6) |
        (bytes[i + 3] & 63);
      i += 4;
    }
    s += String.fromCodePoint(c);
  }
  return s;
}

class Buffer extends Uint8Array {
  static from(value) {
    if (typeof value === 'string') {
      const bytes = utf8Encode(value);
      const b = new Buffer(bytes.length);
      b.set(bytes);
      return b;
    }
    const b = new Buffer(value.length);
    b.set(value);
    return b;
  }
  static alloc(n) {
    return new Buffer(n);
  }
  static isBuffer(v) {
    return v instanceof Buffer;
  }
  toString() {
    return utf8Decode(this);
  }
}
internal.Buffer = Buffer;

// ---- util ---------------------------------------------------------------------------------

function inspect(v, depth = 2) {
  switch (typeof v) {
    case 'string':
      return depth === 2 ? v : `'${v}'`;
    case 'function':
      return v.name ? `[Function: ${v.name}]` : '[Function (anonymous)]';
    case 'bigint':
      return `${v}n`;
    case 'symbol':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
      return String(v);
  }
  if (v === null) return 'null';
  if (v instanceof Error) return v.stack ? `${v}\n${v.stack}` : String(v);
  if (depth < 0) return Array.isArray(v) ? '[Array]' : '[Object]';
  if (Array.isArray(v)) {
    return v.length === 0 ? '[]' : `[ ${v.map((x) => inspect(x, depth - 1)).join(', ')} ]`;
  }
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((k) => `${k}: ${inspect(v[k], depth - 1)}`).join(', ')} }`;
}

function format(...args) {
  if (args.length === 0) return '';
  const first = args[0];
  let out = '';
  let a = 1;
  if (typeof first === 'string') {
    for (let i = 0; i < first.length; i++) {
      if (first[i] === '%' && i + 1 < first.length) {
        const c = first[i + 1];
        if (c === '%') {
          out += '%';
          i++;
          continue;
        }
        if (a < args.length && 'sdifjoOc'.includes(c)) {
          const v = args[a++];
          if (c === 's') out += typeof v === 'string' ? v : inspect(v, 1);
          else if (c === 'd' || c === 'i') out += String(c === 'i' ? parseInt(v) : Number(v));
          else if (c === 'f') out += String(parseFloat(v));
          else if (c === 'j') out += JSON.stringify(v);
          else if (c === 'c') out += '';
          else out += inspect(v, 1);
          i++;
          continue;
        }
      }
      out += first[i];
    }
  } else {
    out = inspect(first);
  }
  for (; a < args.length; a++) out += ' ' + inspect(args[a]);
  return out;
}

const customPromisify = Symbol.for('nodejs.util.promisify.custom');
function promisify(fn) {
  validateFunction(fn, 'original');
  if (fn[customPromisify]) return fn[customPromisify];
  return function (...args) {
    return new Promise((resolve, reject) => {
      Reflect.apply(fn, this, [...args, (err, value) => (err ? reject(err) : resolve(value))]);
    });
  };
}
promisify.custom = customPromisify;

const util = {
  format,
  inspect,
  promisify,
  types: {
    isPromise: (v) => v instanceof Promise,
  },
  isDeepStrictEqual: (a, b) => JSON.stringify(a) === JSON.stringify(b),
};

const console = {};
for (const m of ['log', 'info', 'debug']) console[m] = (...a) => host.write(1, format(...a) + '\n');
for (const m of ['error', 'warn', 'trace']) console[m] = (...a) => host.write(2, format(...a) + '\n');

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

function abortSignal(signal, reason) {
  if (signal.aborted) return;
  signal._aborted = true;
  signal._reason = reason;
  signal.dispatchEvent(new Event('abort'));
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
    for (const x of signals) x.addEventListener('abort', () => abortSignal(s, x.reason));
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

// ---- node:timers and node:timers/promises --------------------------------------------------

function abortError(signal) {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  if (signal) e.cause = signal.reason;
  return e;
}

const timersPromises = {
  setTimeout(after, value, options = {}) {
    const { signal, ref = true } = options;
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const t = new loop.Timeout(resolve, after, [value], false, ref);
      if (ref) loop.armRefed(t);
      else loop.armUnrefed(t);
      if (signal) {
        signal.addEventListener('abort', () => {
          loop.clearTimeout(t);
          reject(abortError(signal));
        }, { once: true });
      }
    });
  },
  setImmediate(value, options = {}) {
    const { signal } = options;
    if (signal && signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const im = new loop.Immediate(resolve, [value]);
      if (signal) {
        signal.addEventListener('abort', () => {
          loop.clearImmediate(im);
          reject(abortError(signal));
        }, { once: true });
      }
    });
  },
  async *setInterval(after, value, options = {}) {
    const { signal } = options;
    let pending = 0;
    let wake = null;
    const t = new loop.Timeout(() => {
      pending++;
      if (wake) {
        const w = wake;
        wake = null;
        w();
      }
    }, after, undefined, true, true);
    loop.armRefed(t);
    try {
      for (;;) {
        if (signal && signal.aborted) throw abortError(signal);
        if (pending === 0) await new Promise((r) => (wake = r));
        while (pending > 0) {
          pending--;
          yield value;
        }
      }
    } finally {
      loop.clearTimeout(t);
    }
  },
};
timersPromises.scheduler = {
  wait: (delay, options) => timersPromises.setTimeout(delay, undefined, options),
  yield: () => timersPromises.setImmediate(),
};

loop.setTimeout[customPromisify] = timersPromises.setTimeout;
loop.setImmediate[customPromisify] = timersPromises.setImmediate;

const timers = {
  setTimeout: loop.setTimeout,
  clearTimeout: loop.clearTimeout,
  setInterval: loop.setInterval,
  clearInterval: loop.clearInterval,
  setImmediate: loop.setImmediate,
  clearImmediate: loop.clearImmediate,
  promises: timersPromises,
};

// ---- node:path (the parts cases use) --------------------------------------------------------

function normalizeParts(parts) {
  const out = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out;
}
const path = {
  sep: '/',
  join: (...xs) => {
    const s = xs.filter((x) => x !== '').join('/');
    const abs = s.startsWith('/');
    return (abs ? '/' : '') + normalizeParts(s.split('/')).join('/') || '.';
  },
  resolve: (...xs) => host.resolvePath(xs.reduce((acc, x) => (x.startsWith('/') ? x : `${acc}/${x}`), host.cwd())),
  dirname: (p) => {
    const i = p.lastIndexOf('/');
    return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
  },
  basename: (p, ext) => {
    let b = p.slice(p.lastIndexOf('/') + 1);
    if (ext && b.endsWith(ext)) b = b.slice(0, -ext.length);
    return b;
  },
  extname: (p) => {
    const b = p.slice(p.lastIndexOf('/') + 1);
    const i = b.lastIndexOf('.');
    return i <= 0 ? '' : b.slice(i);
  },
};

const os = {
  EOL: '\n',
  tmpdir: () => host.cwd(),
  platform: () => 'linux',
};

// ---- built-in modules and CommonJS ---------------------------------------------------------

const eventsModule = EventEmitter;
const builtins = new Map([
  ['node:async_hooks', ah.module],
  ['node:events', eventsModule],
  ['node:fs', internal.fs],
  ['node:fs/promises', internal.fs.promises],
  ['node:timers', timers],
  ['node:timers/promises', timersPromises],
  ['node:util', util],
  ['node:process', process],
  ['node:path', path],
  ['node:os', os],
  ['node:buffer', { Buffer }],
  ['node:net', internal.net.module],
  ['node:http', internal.http.module],
]);

function builtin(name) {
  return builtins.get(name);
}
Object.defineProperty(globalThis, Symbol.for(internal.builtinKey), { value: builtin });

const cjsCache = new Map();

function makeRequire(fromPath) {
  const dir = fromPath.slice(0, fromPath.lastIndexOf('/')) || '/';
  return function require(name) {
    if (typeof name !== 'string') throw codes.ERR_INVALID_ARG_TYPE('id', 'of type string', name);
    if (name.startsWith('./') || name.startsWith('../') || name.startsWith('/')) {
      return loadCjs(host.resolvePath(name.startsWith('/') ? name : `${dir}/${name}`));
    }
    const full = name.startsWith('node:') ? name : `node:${name}`;
    const m = builtins.get(full);
    if (m === undefined) {
      const e = new Error(`Cannot find module '${name}'`);
      e.code = 'MODULE_NOT_FOUND';
      throw e;
    }
    return m;
  };
}

function loadCjs(filename) {
  const cached = cjsCache.get(filename);
  if (cached) return cached.exports;
  const module = { exports: {}, filename, id: filename, loaded: false };
  cjsCache.set(filename, module);
  const wrapper = host.loadScript(filename);
  const dirname = filename.slice(0, filename.lastIndexOf('/')) || '/';
  Reflect.apply(wrapper, module.exports, [module.exports, makeRequire(filename), module, filename, dirname]);
  module.loaded = true;
  return module.exports;
}

// ---- globals ------------------------------------------------------------------------------

function defineGlobal(name, value) {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}
defineGlobal('global', globalThis);
defineGlobal('process', process);
defineGlobal('console', console);
defineGlobal('Buffer', Buffer);
defineGlobal('setTimeout', loop.setTimeout);
defineGlobal('setInterval', loop.setInterval);
defineGlobal('clearTimeout', loop.clearTimeout);
defineGlobal('clearInterval', loop.clearInterval);
defineGlobal('setImmediate', loop.setImmediate);
defineGlobal('clearImmediate', loop.clearImmediate);
defineGlobal('queueMicrotask', loop.queueMicrotask);
defineGlobal('EventTarget', EventTarget);
defineGlobal('Event', Event);
defineGlobal('AbortController', AbortController);
defineGlobal('AbortSignal', AbortSignal);
defineGlobal('DOMException', DOMException);
defineGlobal('performance', { now: () => loop.now() });
defineGlobal('structuredClone', (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v))));

// ---- entry points -------------------------------------------------------------------------

const mainIds = { asyncId: 1, triggerId: 0 };

function runMain(main, esm) {
  process.argv = ['node', main];
  ah.ids.counter = 1;
  ah.pushAsyncContext(mainIds.asyncId, mainIds.triggerId, ah.topLevelResource);
  if (esm) {
    let failed = null;
    try {
      const promise = host.importModule(main);
      loop.runMicrotasks();
      const [state, value] = host.promiseState(promise);
      if (state === 2) {
        host.markHandled(promise);
        failed = { error: value };
      }
    } catch (e) {
      failed = { error: e };
    }
    if (failed) loop.triggerUncaughtException(failed.error, true);
  } else {
    try {
      loadCjs(main);
    } catch (e) {
      loop.triggerUncaughtException(e, false);
    }
  }
  if (ah.hasAsyncIdStack()) ah.popAsyncContext(ah.executionAsyncId());
  ah.clearAsyncIdStack();
  try {
    loop.processTicksAndRejections();
  } catch (e) {
    loop.triggerUncaughtException(e, false);
  }
}

function runLoop() {
  for (;;) {
    loop.spinLoop();
    if (ah.destroyPending()) loop.callback(() => ah.flushDestroyQueue());
    if (!process._exiting) {
      loop.callback(() => process.emit('beforeExit', process.exitCode || 0));
    }
    if (!loop.alive()) break;
  }
  process._exiting = true;
  const code = process.exitCode || 0;
  loop.callback(() => process.emit('exit', code));
  return process.exitCode === undefined ? code : process.exitCode | 0;
}

internal.boot = { runMain, runLoop };
