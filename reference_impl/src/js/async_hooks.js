// node:async_hooks: async ids and the execution stack, hook registration and emission, the
// async context frame, AsyncResource and AsyncLocalStorage (spec/create-hook.md,
// spec/execution-ids.md, spec/async-resource.md, spec/async-local-storage.md).
//
// Context propagation follows Node's AsyncContextFrame design (Node 24+): the current frame is
// an immutable-by-convention Map from AsyncLocalStorage to store. QuickJS (patched) captures it
// in every job and promise reaction; the resources here (timers, ticks, immediates,
// AsyncResource) capture it when created and restore it while their callback runs.

const { host } = internal;
const { codes, validateFunction, validateString, validateObject } = internal.errors;

// ---- async ids and the execution stack ----------------------------------------------------

const ids = {
  execution: 0,
  trigger: 0,
  counter: 1,
  // >= 0 inside defaultTriggerAsyncIdScope(): the trigger new resources get.
  defaultTrigger: -1,
};
const stack = []; // [asyncId, triggerId, resource] per level, outermost first
const topLevelResource = {};

function newAsyncId() {
  return ++ids.counter;
}

function getDefaultTriggerAsyncId() {
  return ids.defaultTrigger < 0 ? ids.execution : ids.defaultTrigger;
}

function defaultTriggerAsyncIdScope(triggerAsyncId, fn, ...args) {
  if (triggerAsyncId === undefined) return fn(...args);
  const old = ids.defaultTrigger;
  ids.defaultTrigger = triggerAsyncId;
  try {
    return fn(...args);
  } finally {
    ids.defaultTrigger = old;
  }
}

function pushAsyncContext(asyncId, triggerId, resource) {
  stack.push([ids.execution, ids.trigger, resource]);
  ids.execution = asyncId;
  ids.trigger = triggerId;
}

function popAsyncContext(asyncId) {
  if (stack.length === 0) return false;
  if (ids.execution !== asyncId) {
    fatalError(new Error(
      `async hook stack has become corrupted (actual: ${ids.execution}, expected: ${asyncId})`,
    ));
  }
  const [e, t] = stack.pop();
  ids.execution = e;
  ids.trigger = t;
  return stack.length > 0;
}

function clearAsyncIdStack() {
  stack.length = 0;
  ids.execution = 0;
  ids.trigger = 0;
}

function executionAsyncId() {
  return ids.execution;
}

function triggerAsyncId() {
  return ids.trigger;
}

function executionAsyncResource() {
  if (stack.length === 0) return topLevelResource;
  return stack[stack.length - 1][2];
}

// ---- hooks --------------------------------------------------------------------------------

const kInit = 'init';
const kBefore = 'before';
const kAfter = 'after';
const kDestroy = 'destroy';
const kPromiseResolve = 'promiseResolve';
const kinds = [kInit, kBefore, kAfter, kDestroy, kPromiseResolve];

const callbacks = new WeakMap(); // AsyncHook -> { init, before, ... }
const emptyCounts = () => ({ init: 0, before: 0, after: 0, destroy: 0, promiseResolve: 0, total: 0 });
// While hooks are being called, enable()/disable() work on copies that take effect after.
const active = { array: [], counts: emptyCounts(), depth: 0, tmpArray: null, tmpCounts: null };

function getHookArrays() {
  if (active.depth === 0) return [active.array, active.counts];
  if (active.tmpArray === null) {
    active.tmpArray = active.array.slice();
    active.tmpCounts = Object.assign({}, active.counts);
  }
  return [active.tmpArray, active.tmpCounts];
}

function restoreActiveHooks() {
  active.array = active.tmpArray;
  active.counts = active.tmpCounts;
  active.tmpArray = null;
  active.tmpCounts = null;
}

const hasHooks = (kind) => active.counts[kind] > 0;
const initHooksExist = () => hasHooks(kInit);
const destroyHooksExist = () => hasHooks(kDestroy);

// A hook callback that throws ends the process at once (spec: HOOK-ERR).
function fatalError(e) {
  try {
    const text = e && typeof e.stack === 'string' ? `${e}\n${e.stack}` : String(e);
    host.write(2, text + '\n');
  } catch {}
  internal.reallyExit(1);
}

function emitHook(kind, asyncId, a, b, c, forPromise = false) {
  active.depth += 1;
  try {
    const array = active.array;
    for (let i = 0; i < array.length; i++) {
      const fns = callbacks.get(array[i]);
      if (forPromise && fns && fns.noPromises) continue;
      const f = fns && fns[kind];
      // init gets four arguments; before, after, destroy and promiseResolve only the id.
      if (typeof f === 'function') {
        if (kind === kInit) f.call(array[i], asyncId, a, b, c);
        else f.call(array[i], asyncId);
      }
    }
  } catch (e) {
    fatalError(e);
  } finally {
    active.depth -= 1;
  }
  if (active.depth === 0 && active.tmpArray !== null) restoreActiveHooks();
}

function emitInit(asyncId, type, triggerAsyncId, resource, forPromise = false) {
  if (!hasHooks(kInit)) return;
  if (triggerAsyncId === null || triggerAsyncId === undefined) {
    triggerAsyncId = getDefaultTriggerAsyncId();
  }
  emitHook(kInit, asyncId, type, triggerAsyncId, resource, forPromise);
}

function emitBefore(asyncId, triggerId, resource, forPromise = false) {
  pushAsyncContext(asyncId, triggerId, resource);
  if (hasHooks(kBefore)) emitHook(kBefore, asyncId, undefined, undefined, undefined, forPromise);
}

function emitAfter(asyncId) {
  if (hasHooks(kAfter)) emitHook(kAfter, asyncId);
  popAsyncContext(asyncId);
}

// Destroy events are queued and delivered together at the next check phase, as Node's native
// layer does; the loop stays alive until they are delivered.
const destroyQueue = [];
function emitDestroy(asyncId) {
  if (hasHooks(kDestroy)) destroyQueue.push(asyncId);
}
function flushDestroyQueue() {
  while (destroyQueue.length > 0) {
    const list = destroyQueue.splice(0, destroyQueue.length);
    for (const id of list) emitHook(kDestroy, id);
  }
}

// ---- promise hooks ------------------------------------------------------------------------

const promiseIds = new WeakMap(); // promise -> [asyncId, triggerId]
let wantPromiseHook = false;
let promiseHookOn = false;

function trackPromise(promise, parent) {
  if (promiseIds.has(promise)) return;
  const trigger = parent ? getOrSetAsyncId(parent) : getDefaultTriggerAsyncId();
  promiseIds.set(promise, [newAsyncId(), trigger]);
}

function getOrSetAsyncId(promise) {
  const known = promiseIds.get(promise);
  if (known) return known[0];
  const id = newAsyncId();
  promiseIds.set(promise, [id, getDefaultTriggerAsyncId()]);
  return id;
}

function promiseInitHook(promise, parent) {
  trackPromise(promise, parent);
  const [asyncId, trigger] = promiseIds.get(promise);
  emitInit(asyncId, 'PROMISE', trigger, promise, true);
}

function promiseBeforeHook(promise) {
  trackPromise(promise, null);
  const [asyncId, trigger] = promiseIds.get(promise);
  emitBefore(asyncId, trigger, promise, true);
}

function promiseAfterHook(promise) {
  trackPromise(promise, null);
  const [asyncId] = promiseIds.get(promise);
  if (hasHooks(kAfter)) emitHook(kAfter, asyncId, undefined, undefined, undefined, true);
  // The hook may have been enabled inside the reaction, after its before ran.
  if (asyncId === ids.execution) popAsyncContext(asyncId);
}

function promiseResolveHook(promise) {
  trackPromise(promise, null);
  const [asyncId] = promiseIds.get(promise);
  emitHook(kPromiseResolve, asyncId, undefined, undefined, undefined, true);
}

function updatePromiseHookMode() {
  wantPromiseHook = true;
  promiseHookOn = true;
  host.setPromiseHooks(
    initHooksExist() ? promiseInitHook : undefined,
    promiseBeforeHook,
    promiseAfterHook,
    hasHooks(kPromiseResolve) ? promiseResolveHook : undefined,
  );
}

function disablePromiseHookIfNecessary() {
  if (!wantPromiseHook && promiseHookOn) {
    promiseHookOn = false;
    host.setPromiseHooks();
  }
}

// ---- createHook ---------------------------------------------------------------------------

class AsyncHook {
  constructor(fns) {
    const { init, before, after, destroy, promiseResolve, trackPromises } = fns;
    const set = { init, before, after, destroy, promiseResolve };
    for (const k of kinds) {
      if (set[k] !== undefined && typeof set[k] !== 'function') {
        throw codes.ERR_ASYNC_CALLBACK(`hook.${k}`);
      }
    }
    // Node 24.?+/26: `trackPromises: false` keeps this hook away from every promise event.
    if (trackPromises !== undefined && typeof trackPromises !== 'boolean') {
      throw codes.ERR_INVALID_ARG_TYPE('trackPromises', 'of type boolean', trackPromises);
    }
    if (trackPromises === false && promiseResolve !== undefined) {
      throw codes.ERR_INVALID_ARG_VALUE('trackPromises', false,
        'must not be false when promiseResolve is enabled');
    }
    set.noPromises = trackPromises === false;
    callbacks.set(this, set);
  }

  enable() {
    const [array, counts] = getHookArrays();
    if (array.includes(this)) return this;
    const before = counts.total;
    // Called on something that is not a hook, Node reads its (missing) callbacks and adds it
    // anyway; only a null or undefined receiver fails (spec: META-RECV-005).
    if (this === undefined || this === null) {
      throw new TypeError(`Cannot read properties of ${this} (reading 'init')`);
    }
    const fns = callbacks.get(this) || {};
    let total = 0;
    for (const k of kinds) {
      counts[k] += fns[k] ? 1 : 0;
      total += counts[k];
    }
    counts.total = total;
    array.push(this);
    if (before === 0 && total > 0) {
      // enableHooks(): nothing more to switch on here.
    }
    // A hook made with `trackPromises: false` does not switch the promise hooks on.
    if (!fns.noPromises) updatePromiseHookMode();
    return this;
  }

  disable() {
    const [array, counts] = getHookArrays();
    const index = array.indexOf(this);
    if (index === -1) return this;
    const before = counts.total;
    const fns = callbacks.get(this) || {};
    let total = 0;
    for (const k of kinds) {
      counts[k] -= fns[k] ? 1 : 0;
      total += counts[k];
    }
    counts.total = total;
    array.splice(index, 1);
    if (before > 0 && total === 0) {
      wantPromiseHook = false;
      // Later, not now: we may be between a promise's before and after.
      host.enqueueJob(disablePromiseHookIfNecessary);
    }
    return this;
  }
}

function createHook(fns) {
  return new AsyncHook(fns);
}

// ---- the async context frame --------------------------------------------------------------

class AsyncContextFrame extends Map {
  constructor(store, data) {
    super(AsyncContextFrame.current());
    this.set(store, data);
  }
  static current() {
    return host.getFrame();
  }
  static set(frame) {
    host.setFrame(frame);
  }
  static exchange(frame) {
    const prior = host.getFrame();
    host.setFrame(frame);
    return prior;
  }
  static disable(store) {
    const frame = host.getFrame();
    if (frame) frame.delete(store);
  }
}

// ---- AsyncResource ------------------------------------------------------------------------

const asyncIdKey = Symbol('async_id_symbol');
const triggerIdKey = Symbol('trigger_async_id_symbol');
const frameKey = Symbol('kAsyncContextFrame');

class AsyncResource {
  constructor(type, opts = {}) {
    validateString(type, 'type');
    let triggerAsyncId = opts;
    let requireManualDestroy = false;
    if (typeof opts !== 'number') {
      triggerAsyncId = opts.triggerAsyncId === undefined
        ? getDefaultTriggerAsyncId()
        : opts.triggerAsyncId;
      requireManualDestroy = !!opts.requireManualDestroy;
    }
    if (!Number.isSafeInteger(triggerAsyncId) || triggerAsyncId < -1) {
      throw codes.ERR_INVALID_ASYNC_ID('triggerAsyncId', triggerAsyncId);
    }
    this[frameKey] = AsyncContextFrame.current();
    const asyncId = newAsyncId();
    this[asyncIdKey] = asyncId;
    this[triggerIdKey] = triggerAsyncId;
    if (initHooksExist()) {
      if (type.length === 0) throw codes.ERR_ASYNC_TYPE(type);
      emitInit(asyncId, type, triggerAsyncId, this);
    }
    // Without requireManualDestroy Node emits destroy when the resource is collected; garbage
    // collection is not observable deterministically, so no case depends on it and we never
    // emit it (spec: RES-DESTROY-001).
    void requireManualDestroy;
  }

  runInAsyncScope(fn, thisArg, ...args) {
    const asyncId = this[asyncIdKey];
    emitBefore(asyncId, this[triggerIdKey], this);
    const prior = AsyncContextFrame.exchange(this[frameKey]);
    try {
      return Reflect.apply(fn, thisArg, args);
    } finally {
      AsyncContextFrame.set(prior);
      if (stack.length > 0) emitAfter(asyncId);
    }
  }

  emitDestroy() {
    emitDestroy(this[asyncIdKey]);
    return this;
  }

  asyncId() {
    return this[asyncIdKey];
  }

  triggerAsyncId() {
    return this[triggerIdKey];
  }

  bind(fn, thisArg) {
    validateFunction(fn, 'fn');
    let bound;
    if (thisArg === undefined) {
      const resource = this;
      bound = function (...args) {
        args.unshift(fn, this);
        return Reflect.apply(resource.runInAsyncScope, resource, args);
      };
    } else {
      bound = this.runInAsyncScope.bind(this, fn, thisArg);
    }
    // Node 26 dropped the `asyncResource` property Node 24 still had (spec: RES-BIND-003).
    Object.defineProperty(bound, 'length', {
      configurable: true,
      enumerable: false,
      value: fn.length,
      writable: false,
    });
    return bound;
  }

  static bind(fn, type, thisArg) {
    type = type || fn.name || 'bound-anonymous-fn';
    return new AsyncResource(type).bind(fn, thisArg);
  }
}

// ---- AsyncLocalStorage --------------------------------------------------------------------

// What withScope() returns: it enters the store at once and, on its first dispose, enters again
// the store that was current when it was made (spec: ALS-SCOPE-*). Not exported, as in Node.
class RunScope {
  #storage;
  #previousStore;
  #disposed = false;

  constructor(storage, store) {
    this.#storage = storage;
    this.#previousStore = storage.getStore();
    storage.enterWith(store);
  }

  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#storage.enterWith(this.#previousStore);
  }

  [Symbol.dispose]() {
    this.dispose();
  }
}

class AsyncLocalStorage {
  #defaultValue = undefined;
  #name = undefined;

  constructor(options = {}) {
    validateObject(options, 'options');
    this.#defaultValue = options.defaultValue;
    if (options.name !== undefined) this.#name = `${options.name}`;
  }

  get name() {
    return this.#name || '';
  }

  static bind(fn) {
    return AsyncResource.bind(fn);
  }

  static snapshot() {
    return AsyncResource.bind((cb, ...args) => cb(...args));
  }

  disable() {
    AsyncContextFrame.disable(this);
  }

  enterWith(data) {
    AsyncContextFrame.set(new AsyncContextFrame(this, data));
  }

  // run() enters the store on top of whatever frame is current and, afterwards, enters the
  // previous store of this instance again (not the previous frame): another instance's
  // enterWith() inside the callback survives it (spec: ALS-RUN-*, ALS-MIX-*). Running with the
  // store already current makes no new frame at all.
  run(data, fn, ...args) {
    const prior = this.getStore();
    if (Object.is(prior, data)) return Reflect.apply(fn, null, args);
    this.enterWith(data);
    try {
      return Reflect.apply(fn, null, args);
    } finally {
      this.enterWith(prior);
    }
  }

  exit(fn, ...args) {
    return this.run(undefined, fn, ...args);
  }

  withScope(store) {
    return new RunScope(this, store);
  }

  getStore() {
    const frame = AsyncContextFrame.current();
    if (!frame || !frame.has(this)) return this.#defaultValue;
    return frame.get(this);
  }
}

// The numbers Node 26's native layer gives each provider type, in its order (spec: PROV-001).
const providerNames = [
  'NONE', 'DIRHANDLE', 'DNSCHANNEL', 'ELDHISTOGRAM', 'FILEHANDLE', 'FILEHANDLECLOSEREQ',
  'BLOBREADER', 'FSEVENTWRAP', 'FSREQCALLBACK', 'FSREQPROMISE', 'GETADDRINFOREQWRAP',
  'GETNAMEINFOREQWRAP', 'HEAPSNAPSHOT', 'HTTP2SESSION', 'HTTP2STREAM', 'HTTP2PING',
  'HTTP2SETTINGS', 'HTTPINCOMINGMESSAGE', 'HTTPCLIENTREQUEST', 'LOCKS', 'DTLS_ENDPOINT',
  'DTLS_SESSION', 'JSSTREAM', 'MESSAGEPORT', 'PIPECONNECTWRAP', 'PIPESERVERWRAP', 'PIPEWRAP',
  'PROCESSWRAP', 'PROMISE', 'QUERYWRAP', 'QUIC_ENDPOINT', 'QUIC_LOGSTREAM', 'QUIC_SESSION',
  'QUIC_STREAM', 'QUIC_UDP', 'SHUTDOWNWRAP', 'SIGNALWRAP', 'STATWATCHER', 'STREAMPIPE',
  'TCPCONNECTWRAP', 'TCPSERVERWRAP', 'TCPWRAP', 'TTYWRAP', 'UDPSENDWRAP', 'UDPWRAP',
  'SIGINTWATCHDOG', 'WORKER', 'WORKERCPUPROFILE', 'WORKERCPUUSAGE', 'WORKERHEAPPROFILE',
  'WORKERHEAPSNAPSHOT', 'WORKERHEAPSTATISTICS', 'WRITEWRAP', 'ZLIB', 'CHECKPRIMEREQUEST',
  'PBKDF2REQUEST', 'KEYPAIRGENREQUEST', 'KEYGENREQUEST', 'KEYEXPORTREQUEST', 'ARGON2REQUEST',
  'CIPHERREQUEST', 'DERIVEBITSREQUEST', 'HASHREQUEST', 'RANDOMBYTESREQUEST', 'RANDOMPRIMEREQUEST',
  'SCRYPTREQUEST', 'SIGNREQUEST', 'TLSWRAP', 'VERIFYREQUEST',
];
const asyncWrapProviders = Object.freeze(
  Object.assign(Object.create(null), Object.fromEntries(providerNames.map((n, i) => [n, i]))),
);

// The public module.
const module = {
  AsyncLocalStorage,
  createHook,
  executionAsyncId,
  triggerAsyncId,
  executionAsyncResource,
  asyncWrapProviders,
  AsyncResource,
};

internal.asyncHooks = {
  ids,
  topLevelResource,
  newAsyncId,
  getDefaultTriggerAsyncId,
  defaultTriggerAsyncIdScope,
  pushAsyncContext,
  popAsyncContext,
  clearAsyncIdStack,
  hasAsyncIdStack: () => stack.length > 0,
  // [asyncId, triggerAsyncId] of a promise the promise hooks have seen, else undefined: the
  // 'unhandledRejection' listeners run with it as the current execution (spec: PROV-UNH-*).
  promiseAsyncContext: (promise) => promiseIds.get(promise),
  executionAsyncId,
  emitInit,
  emitBefore,
  emitAfter,
  emitDestroy,
  flushDestroyQueue,
  destroyPending: () => destroyQueue.length > 0,
  initHooksExist,
  destroyHooksExist,
  afterHooksExist: () => hasHooks(kAfter),
  AsyncContextFrame,
  AsyncResource,
  asyncIdKey,
  triggerIdKey,
  frameKey,
  fatalError,
  module,
};
