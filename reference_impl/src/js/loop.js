// The event loop (spec/event-loop.md): timers, pending I/O completions (poll), immediates
// (check), with the nextTick queue and the microtask queue drained after every callback, and
// unhandled rejections decided after that drain. The clock is virtual: it moves only when the
// loop would otherwise wait, straight to the next timer's due time, so a run never waits and
// never depends on how fast the machine is.

const { host } = internal;
const { codes, validateFunction } = internal.errors;
const ah = internal.asyncHooks;
const { AsyncContextFrame, asyncIdKey, triggerIdKey, frameKey } = ah;
// A behaviour broken on purpose by a test (reference_impl::fault); undefined in every real run.
const fault = internal.fault;

// ---- resources ----------------------------------------------------------------------------

function initAsyncResource(resource, type) {
  const asyncId = newId();
  resource[asyncIdKey] = asyncId;
  const trigger = ah.getDefaultTriggerAsyncId();
  resource[triggerIdKey] = trigger;
  resource[frameKey] = AsyncContextFrame.current();
  if (ah.initHooksExist()) ah.emitInit(asyncId, type, trigger, resource);
}
const newId = ah.newAsyncId;

// ---- the virtual clock and timers ---------------------------------------------------------

const TIMEOUT_MAX = 2 ** 31 - 1;
let now = 0; // virtual milliseconds since the loop started
let timerSeq = 0; // creation (arming) order, the tie-break for timers due together
const timers = new Set(); // armed Timeout objects
let refedTimers = 0;
const kRefed = Symbol('refed');
const kSeq = Symbol('seq');
const kDue = Symbol('due');

class Timeout {
  constructor(callback, after, args, isRepeat, isRefed) {
    after *= 1;
    if (!(after >= 1 && after <= TIMEOUT_MAX)) after = 1;
    this._idleTimeout = after;
    this._idlePrev = this;
    this._idleNext = this;
    this._idleStart = null;
    this._onTimeout = callback;
    this._timerArgs = args;
    this._repeat = isRepeat ? after : null;
    this._destroyed = false;
    this[kRefed] = isRefed;
    initAsyncResource(this, 'Timeout');
  }

  // As Node's insertGuarded(): a cleared timer stays cleared; a pending or running one is armed
  // again from now and keeps its id and context; one that already fired (destroyed) starts
  // again as a new resource, in the refreshing code's context (spec: REENTER-001).
  refresh() {
    if (this._idleTimeout < 0) return this;
    arm(this, now);
    if (this._destroyed) {
      this._destroyed = false;
      initAsyncResource(this, 'Timeout');
      if (this[kRefed]) refedTimers++;
    }
    return this;
  }

  unref() {
    if (this[kRefed]) {
      this[kRefed] = false;
      if (!this._destroyed) refedTimers--;
    }
    return this;
  }

  ref() {
    if (!this[kRefed]) {
      this[kRefed] = true;
      if (!this._destroyed) refedTimers++;
    }
    return this;
  }

  hasRef() {
    return this[kRefed];
  }

  close() {
    clearTimeout(this);
    return this;
  }

  [Symbol.toPrimitive]() {
    return this[asyncIdKey];
  }
}

function arm(timer, start) {
  timer._idleStart = start;
  timer[kDue] = start + timer._idleTimeout;
  timer[kSeq] = ++timerSeq;
  timer._idlePrev = timer;
  timer._idleNext = timer;
  timers.add(timer);
  heapPush({ due: timer[kDue], seq: timer[kSeq], timer });
}

// The armed timers by (due time, arming order), as a binary heap, so that finding the next
// one is not a scan of all of them (1000 timers made that quadratic). An entry is current while
// its timer is armed and has not been armed again since; the others are dropped when they reach
// the top, or all at once when they outnumber the current ones.
let heap = [];

function before(a, b) {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

function current(e) {
  return timers.has(e.timer) && e.timer[kSeq] === e.seq;
}

function heapPush(e) {
  if (heap.length >= 64 && heap.length > 2 * timers.size) {
    heap = heap.filter(current);
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
  }
  let i = heap.length;
  heap.push(e);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(e, heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = e;
}

function siftDown(i) {
  const n = heap.length;
  const e = heap[i];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && before(heap[c + 1], heap[c])) c++;
    if (!before(heap[c], e)) break;
    heap[i] = heap[c];
    i = c;
  }
  heap[i] = e;
}

// The earliest armed timer, or null.
function heapTop() {
  while (heap.length > 0 && !current(heap[0])) {
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      siftDown(0);
    }
  }
  return heap.length > 0 ? heap[0].timer : null;
}

function disarm(timer) {
  timers.delete(timer);
  timer._idlePrev = null;
  timer._idleNext = null;
}

const timersById = new Map();

function setTimeout(callback, after, ...args) {
  validateFunction(callback, 'callback');
  const t = new Timeout(callback, after, args.length ? args : undefined, false, true);
  refedTimers++;
  arm(t, now);
  return t;
}

function setInterval(callback, repeat, ...args) {
  validateFunction(callback, 'callback');
  const t = new Timeout(callback, repeat, args.length ? args : undefined, true, true);
  refedTimers++;
  arm(t, now);
  return t;
}

function unenroll(timer) {
  if (timer._destroyed) return;
  timer._destroyed = true;
  if (timer[kRefed]) refedTimers--;
  if (ah.destroyHooksExist()) ah.emitDestroy(timer[asyncIdKey]);
  disarm(timer);
  timer._idleTimeout = -1;
}

function clearTimeout(timer) {
  if (timer && timer._onTimeout) {
    timer._onTimeout = null;
    unenroll(timer);
    return;
  }
  if (typeof timer === 'number' || typeof timer === 'string') {
    const t = timersById.get(+timer);
    if (t) {
      t._onTimeout = null;
      unenroll(t);
    }
  }
}

// The armed timers due at `now`, in due-time then arming order.
function nextDue() {
  const t = heapTop();
  return t !== null && t[kDue] <= now ? t : null;
}

function earliestDue() {
  const t = heapTop();
  return t === null ? Infinity : t[kDue];
}

// Node's processTimers/listOnTimeout: due timers one by one, ticks drained between them.
// An exception leaves through here; the caller reports it and calls again for the rest.
function processTimers(state) {
  let timer;
  while ((timer = nextDue()) !== null) {
    if (state.ranOne) runNextTicks();
    else state.ranOne = true;
    disarm(timer);
    const asyncId = timer[asyncIdKey];
    if (!timer._onTimeout) {
      if (!timer._destroyed) {
        timer._destroyed = true;
        if (timer[kRefed]) refedTimers--;
        if (ah.destroyHooksExist()) ah.emitDestroy(asyncId);
      }
      continue;
    }
    ah.emitBefore(asyncId, timer[triggerIdKey], timer);
    const start = now;
    const prior = AsyncContextFrame.exchange(
      fault === 'timer-context' ? undefined : timer[frameKey]
    );
    try {
      const args = timer._timerArgs;
      if (args === undefined) timer._onTimeout();
      else Reflect.apply(timer._onTimeout, timer, args);
    } finally {
      if (timer._repeat && timer._idleTimeout !== -1 && timer._onTimeout) {
        timer._idleTimeout = timer._repeat;
        arm(timer, start);
      } else if (!timer._idleNext && !timer._idlePrev && !timer._destroyed) {
        timer._destroyed = true;
        if (timer[kRefed]) refedTimers--;
        if (ah.destroyHooksExist()) ah.emitDestroy(asyncId);
      }
    }
    ah.emitAfter(asyncId);
    AsyncContextFrame.set(prior);
  }
}

// ---- immediates ---------------------------------------------------------------------------

let immediateQueue = []; // scheduled for the next check phase
let outstanding = null; // the queue being run, kept if a callback throws
let refedImmediates = 0;

class Immediate {
  constructor(callback, args) {
    this._idleNext = null;
    this._idlePrev = null;
    this._onImmediate = callback;
    this._argv = args;
    this._destroyed = false;
    this[kRefed] = true;
    refedImmediates++;
    initAsyncResource(this, 'Immediate');
    immediateQueue.push(this);
  }
  ref() {
    if (!this[kRefed] && !this._destroyed) {
      this[kRefed] = true;
      refedImmediates++;
    }
    return this;
  }
  unref() {
    if (this[kRefed] && !this._destroyed) {
      this[kRefed] = false;
      refedImmediates--;
    }
    return this;
  }
  hasRef() {
    return !!this[kRefed];
  }
}

function setImmediate(callback, ...args) {
  validateFunction(callback, 'callback');
  return new Immediate(callback, args.length ? args : undefined);
}

function clearImmediate(immediate) {
  if (!immediate || immediate._destroyed) return;
  immediate._destroyed = true;
  if (immediate[kRefed]) refedImmediates--;
  immediate[kRefed] = null;
  if (ah.destroyHooksExist()) ah.emitDestroy(immediate[asyncIdKey]);
  immediate._onImmediate = null;
  const i = immediateQueue.indexOf(immediate);
  if (i !== -1) immediateQueue.splice(i, 1);
}

function processImmediate() {
  if (outstanding === null) {
    outstanding = { list: immediateQueue, index: 0, ranOne: false };
    immediateQueue = [];
  }
  const q = outstanding;
  while (q.index < q.list.length) {
    if (q.ranOne) runNextTicks();
    else q.ranOne = true;
    const immediate = q.list[q.index++];
    if (immediate._destroyed) continue;
    immediate._destroyed = true;
    if (immediate[kRefed]) refedImmediates--;
    immediate[kRefed] = null;
    const prior = AsyncContextFrame.exchange(immediate[frameKey]);
    const asyncId = immediate[asyncIdKey];
    ah.emitBefore(asyncId, immediate[triggerIdKey], immediate);
    try {
      const argv = immediate._argv;
      if (!argv) immediate._onImmediate();
      else immediate._onImmediate(...argv);
    } finally {
      immediate._onImmediate = null;
      if (ah.destroyHooksExist()) ah.emitDestroy(asyncId);
    }
    ah.emitAfter(asyncId);
    AsyncContextFrame.set(prior);
  }
  outstanding = null;
}

// ---- nextTick and microtasks --------------------------------------------------------------

const tickQueue = [];
let tickHead = 0;

function nextTick(callback, ...args) {
  validateFunction(callback, 'callback');
  if (internal.process && internal.process._exiting) return;
  const tock = {
    callback,
    args: args.length ? args : undefined,
  };
  initAsyncResource(tock, 'TickObject');
  tickQueue.push(tock);
}

function runMicrotasks() {
  host.runMicrotasks();
}

function runNextTicks() {
  if (tickHead === tickQueue.length && !hasRejectionToWarn()) runMicrotasks();
  if (tickHead === tickQueue.length && !hasRejectionToWarn()) return;
  processTicksAndRejections();
}

function processTicksAndRejections() {
  do {
    while (tickHead < tickQueue.length) {
      const tock = tickQueue[tickHead];
      tickQueue[tickHead++] = undefined;
      const asyncId = tock[asyncIdKey];
      ah.emitBefore(asyncId, tock[triggerIdKey], tock);
      const prior = AsyncContextFrame.exchange(tock[frameKey]);
      try {
        const callback = tock.callback;
        if (tock.args === undefined) callback();
        else Reflect.apply(callback, undefined, tock.args);
      } finally {
        if (ah.destroyHooksExist()) ah.emitDestroy(asyncId);
      }
      ah.emitAfter(asyncId);
      AsyncContextFrame.set(prior);
    }
    tickQueue.length = 0;
    tickHead = 0;
    runMicrotasks();
  } while (tickHead < tickQueue.length || processPromiseRejections());
}

function queueMicrotask(callback) {
  validateFunction(callback, 'callback');
  // As in Node 26, a resource only when an init hook or a context frame asks for one; otherwise
  // the callback runs with ids 0 (spec: IDNOHOOK-001, IDNOHOOK-002).
  if (!AsyncContextFrame.current() && !ah.initHooksExist()) {
    host.enqueueJob(function runMicrotask() {
      try {
        callback();
      } catch (e) {
        triggerUncaughtException(e, false);
      }
    });
    return;
  }
  const resource = new ah.AsyncResource('Microtask', { requireManualDestroy: true });
  // As in Node 26, an exception leaves the microtask's scope (its after is emitted) before it is
  // reported, the way V8 reports an exception a microtask throws (spec: HOOK-LIFE-013).
  host.enqueueJob(function runMicrotask() {
    let failed = false;
    let error;
    resource.runInAsyncScope(() => {
      try {
        callback();
      } catch (e) {
        failed = true;
        error = e;
      } finally {
        resource.emitDestroy();
      }
    });
    if (failed) triggerUncaughtException(error, false);
  });
}

// ---- unhandled rejections -----------------------------------------------------------------

const maybeUnhandled = new Map(); // promise -> { reason, frame, warned }
const pendingUnhandled = []; // promises, in rejection order

function onRejection(promise, reason, handled) {
  if (!handled) {
    maybeUnhandled.set(promise, { reason, frame: AsyncContextFrame.current(), warned: false });
    pendingUnhandled.push(promise);
  } else {
    const info = maybeUnhandled.get(promise);
    if (info !== undefined) {
      maybeUnhandled.delete(promise);
      if (info.warned) {
        const p = internal.process;
        host.enqueueJob(() => p.emit('rejectionHandled', promise));
      }
    }
  }
}
host.setRejectionTracker(onRejection);

function hasRejectionToWarn() {
  return pendingUnhandled.length > 0;
}

function unhandledRejectionError(reason) {
  const e = new Error(
    'This error originated either by throwing inside of an async function without a catch ' +
      'block, or by rejecting a promise which was not handled with .catch(). The promise ' +
      `rejected with the reason "${String(reason)}".`,
  );
  e.code = 'ERR_UNHANDLED_REJECTION';
  return e;
}

// One pass handles the rejections pending when it starts: a promise rejected by a listener
// waits for the ticks and microtasks that listener queued (the caller drains them first).
function processPromiseRejections() {
  let maybeScheduled = false;
  let len = pendingUnhandled.length;
  while (len-- > 0) {
    const promise = pendingUnhandled.shift();
    const info = maybeUnhandled.get(promise);
    if (info === undefined) continue;
    info.warned = true;
    const { reason } = info;
    const prior = AsyncContextFrame.exchange(info.frame);
    // A promise the promise hooks have seen gives its ids to the listeners (no hook events).
    const ctx = ah.promiseAsyncContext(promise);
    if (ctx !== undefined) ah.pushAsyncContext(ctx[0], ctx[1], promise);
    try {
      const handled = internal.process.emit('unhandledRejection', reason, promise);
      if (!handled) {
        const isErrorLike = reason !== null && typeof reason === 'object' && 'stack' in reason;
        triggerUncaughtException(isErrorLike ? reason : unhandledRejectionError(reason), true);
      }
    } finally {
      if (ctx !== undefined && ah.executionAsyncId() === ctx[0]) ah.popAsyncContext(ctx[0]);
      AsyncContextFrame.set(prior);
    }
    maybeScheduled = true;
  }
  return maybeScheduled || pendingUnhandled.length > 0;
}

// ---- uncaught exceptions ------------------------------------------------------------------

function noop() {}

// process._fatalException: the monitor, then 'uncaughtException' listeners. Unhandled: the
// process prints the error and exits with 1 (7 when a handler itself throws).
function triggerUncaughtException(er, fromPromise) {
  const p = internal.process;
  const type = fromPromise ? 'unhandledRejection' : 'uncaughtException';
  let handled;
  try {
    p.emit('uncaughtExceptionMonitor', er, type);
    handled = p.emit('uncaughtException', er, type);
  } catch (e) {
    printError(e);
    internal.exitNow(7);
  }
  if (!handled) {
    printError(er);
    internal.exitNow(1);
  }
  // Make sure the loop turns once more, so ticks queued by the handler run.
  setImmediate(noop);
  if (ah.afterHooksExist()) {
    do {
      const id = ah.executionAsyncId();
      if (id === 0) ah.popAsyncContext(0);
      else ah.emitAfter(id);
    } while (ah.hasAsyncIdStack());
  }
  ah.clearAsyncIdStack();
}

function printError(er) {
  let text;
  try {
    text = er instanceof Error ? `${er.stack ? `${er}\n${er.stack}` : er}` : `Uncaught ${String(er)}`;
  } catch {
    text = 'Uncaught exception';
  }
  host.write(2, `${text}\n`);
}

// Run `fn` as a callback from the native layer: an exception goes to the uncaught handler;
// then the tick and microtask queues are drained, unless the callback failed (Node leaves them
// for the next callback, which the handler's setImmediate guarantees).
function callback(fn) {
  try {
    fn();
  } catch (e) {
    triggerUncaughtException(e, false);
    return;
  }
  try {
    processTicksAndRejections();
  } catch (e) {
    triggerUncaughtException(e, false);
  }
}

// ---- pending I/O (completions delivered in the poll phase) --------------------------------

let ioReady = []; // completions ready for the next poll phase, in submission order
let ioRefs = 0;

// Queue a completion: `complete` runs in the poll phase of the next loop turn as a callback of
// an FSREQCALLBACK-like resource made now (so it is triggered by the current context).
function submitIo(type, complete) {
  const req = {};
  initAsyncResource(req, type);
  ioRefs++;
  ioReady.push({ req, complete });
  return req;
}

// Native work for the next poll phase that is no single request's completion (a connection
// arriving, bytes read): `work` runs outside any async scope, as a libuv callback does, and
// enters scopes itself with makeCallback().
function submitNative(work) {
  ioRefs++;
  ioReady.push({ req: null, complete: work });
}

// Node's MakeCallback: run `fn` as a callback of `resource`. Ticks are drained by whoever runs
// the native work (callback()), once the outermost scope has ended.
function makeCallback(resource, fn, ...args) {
  const asyncId = resource[asyncIdKey];
  ah.emitBefore(asyncId, resource[triggerIdKey], resource);
  const prior = AsyncContextFrame.exchange(resource[frameKey]);
  let result;
  try {
    result = Reflect.apply(fn, resource, args);
  } finally {
    AsyncContextFrame.set(prior);
  }
  ah.emitAfter(asyncId);
  return result;
}

// A completion libuv feeds to its pending queue instead of waiting for the poll (a shutdown
// of a stream with nothing left to write): it runs in the pending phase, which comes before
// the poll and again, for a few rounds, right after it.
let pendingQueue = [];

function submitPending(type, complete) {
  const req = {};
  initAsyncResource(req, type);
  ioRefs++;
  pendingQueue.push({ req, complete });
  return req;
}

function runPendingPhase() {
  const ready = pendingQueue;
  pendingQueue = [];
  runCompletions(ready);
}

function runIoPhase() {
  const ready = ioReady;
  ioReady = [];
  runCompletions(ready);
}

function runCompletions(ready) {
  for (const { req, complete } of ready) {
    ioRefs--;
    if (req === null) {
      callback(complete);
      continue;
    }
    callback(() => {
      const asyncId = req[asyncIdKey];
      ah.emitBefore(asyncId, req[triggerIdKey], req);
      const prior = AsyncContextFrame.exchange(req[frameKey]);
      try {
        complete.call(req);
      } finally {
        if (ah.destroyHooksExist()) ah.emitDestroy(asyncId);
      }
      ah.emitAfter(asyncId);
      AsyncContextFrame.set(prior);
    });
  }
}

// ---- handles (servers, sockets) ------------------------------------------------------------

let refedHandles = 0; // open handles that keep the loop alive
let closing = []; // handles closed this turn; their close callbacks run after the check phase

function refHandle(delta) {
  refedHandles += delta;
}

// uv_close(): `onClose` runs in the close phase as a callback of the handle, then the handle's
// destroy is queued.
function closeHandle(handle, onClose) {
  closing.push({ handle, onClose });
}

function runClosePhase() {
  const list = closing;
  closing = [];
  for (const { handle, onClose } of list) {
    callback(() => {
      if (onClose) makeCallback(handle, onClose);
      if (ah.destroyHooksExist()) ah.emitDestroy(handle[asyncIdKey]);
    });
  }
}

// ---- the loop -----------------------------------------------------------------------------

function runTimersPhase() {
  if (nextDue() === null) return;
  const state = { ranOne: false };
  for (;;) {
    try {
      processTimers(state);
      break;
    } catch (e) {
      triggerUncaughtException(e, false);
      state.ranOne = false;
    }
  }
  try {
    processTicksAndRejections();
  } catch (e) {
    triggerUncaughtException(e, false);
  }
}

function runCheckPhase() {
  // Native immediates first: queued destroy events.
  if (ah.destroyPending()) callback(() => ah.flushDestroyQueue());
  if (immediateQueue.length === 0 && outstanding === null) return;
  for (;;) {
    try {
      processImmediate();
      break;
    } catch (e) {
      triggerUncaughtException(e, false);
    }
  }
  try {
    processTicksAndRejections();
  } catch (e) {
    triggerUncaughtException(e, false);
  }
}

function loopAlive() {
  return (
    refedTimers > 0 || refedImmediates > 0 || outstanding !== null || ioRefs > 0 ||
    refedHandles > 0 || closing.length > 0 || ah.destroyPending()
  );
}

function runLoopOnce() {
  runTimersPhase();
  if (pendingQueue.length > 0) runPendingPhase();
  // poll: deliver I/O; if nothing else can happen now, move the clock to the next timer.
  // Unref'd immediates do not stop the poll from waiting (spec: HOOK-LIFE-012); they run in
  // the check phase that follows.
  if (ioReady.length > 0) runIoPhase();
  else if (
    refedImmediates === 0 && outstanding === null && !ah.destroyPending() &&
    closing.length === 0 && pendingQueue.length === 0
  ) {
    if (refedTimers > 0 || (timers.size > 0 && loopAlive())) {
      const due = earliestDue();
      if (due !== Infinity && due > now) now = due;
    }
  }
  for (let round = 0; round < 8 && pendingQueue.length > 0; round++) runPendingPhase();
  runCheckPhase();
  if (closing.length > 0) runClosePhase();
}

function spinLoop() {
  while (loopAlive()) runLoopOnce();
}

internal.loop = {
  Timeout,
  Immediate,
  setTimeout,
  setInterval,
  clearTimeout,
  clearInterval: clearTimeout,
  setImmediate,
  clearImmediate,
  nextTick,
  queueMicrotask,
  processTicksAndRejections,
  runMicrotasks,
  triggerUncaughtException,
  callback,
  submitIo,
  submitNative,
  submitPending,
  makeCallback,
  refHandle,
  closeHandle,
  spinLoop,
  alive: loopAlive,
  armRefed(t) {
    refedTimers++;
    arm(t, now);
  },
  armUnrefed(t) {
    arm(t, now);
  },
  initAsyncResource,
  now: () => now,
};
