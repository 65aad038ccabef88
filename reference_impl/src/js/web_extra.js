// On demand: web platform globals beyond web.js (spec/web-and-language.md, WEB-*):
// MessageChannel / MessagePort / BroadcastChannel used within one thread, and WHATWG streams
// (ReadableStream, WritableStream, TransformStream, TextDecoderStream, TextEncoderStream) with
// TextEncoder / TextDecoder for UTF-8.
//
// Messaging: in Node a MessagePort is a native handle (provider MESSAGEPORT) made together with
// its channel; a message posted to it is delivered by the native layer in a later poll phase,
// each message as a callback of the receiving port, so a listener runs with the store that was
// current when the port (or the BroadcastChannel) was created, whoever posted.
//
// Streams are pure JavaScript over promises in Node as in the WHATWG specification; they are
// modelled the same way here, so every callback (start, pull, write, transform) runs in the
// context of the promise reaction or the call that triggers it, as in Node.

const loop = internal.loop;
const ah = internal.asyncHooks;
const web = internal.need('web', 'internal/web.js');
const { Event, EventTarget, DOMException } = web;

// ---- messaging ----------------------------------------------------------------------------

class MessageEvent extends Event {
  constructor(type, init = {}) {
    super(type, init);
    this.data = init.data === undefined ? null : init.data;
    this.origin = init.origin === undefined ? '' : `${init.origin}`;
    this.lastEventId = init.lastEventId === undefined ? '' : `${init.lastEventId}`;
    this.source = init.source === undefined ? null : init.source;
    this.ports = init.ports === undefined ? [] : [...init.ports];
  }
}

const cloneMessage = (value) => globalThis.structuredClone(value);

// What MessagePort and BroadcastChannel share: a handle made now (its async resource, with the
// current context), a queue of received messages, started by an `onmessage` handler or a
// 'message' listener (which also refs it), and delivery one message per native callback.
const kQueue = Symbol('kQueue');
const kStarted = Symbol('kStarted');
const kRefed = Symbol('kRefed');
const kClosed = Symbol('kClosed');
const kScheduled = Symbol('kScheduled');
const kOnMessage = Symbol('kOnMessage');

function initEndpoint(endpoint, refed) {
  loop.initAsyncResource(endpoint, 'MESSAGEPORT');
  endpoint[kQueue] = [];
  endpoint[kStarted] = false;
  endpoint[kRefed] = false;
  endpoint[kClosed] = false;
  endpoint[kScheduled] = false;
  endpoint[kOnMessage] = null;
  if (refed) setRef(endpoint, true);
}

function setRef(endpoint, on) {
  if (endpoint[kClosed] || endpoint[kRefed] === on) return;
  endpoint[kRefed] = on;
  loop.refHandle(on ? 1 : -1);
}

function receive(endpoint, data) {
  if (endpoint[kClosed]) return;
  endpoint[kQueue].push(data);
  schedule(endpoint);
}

function schedule(endpoint) {
  if (!endpoint[kStarted] || endpoint[kScheduled] || endpoint[kQueue].length === 0) return;
  endpoint[kScheduled] = true;
  loop.submitNative(() => {
    endpoint[kScheduled] = false;
    // Like Node's native port, keep going while messages are queued, including ones posted by
    // the listeners meanwhile, up to a limit that keeps one port from starving the loop.
    const limit = Math.max(endpoint[kQueue].length, 1000);
    for (let n = 0; n < limit && endpoint[kQueue].length > 0 && !endpoint[kClosed]; n++) {
      const data = endpoint[kQueue].shift();
      loop.callback(() => {
        loop.makeCallback(endpoint, () => {
          endpoint.dispatchEvent(new MessageEvent('message', { data }));
        });
      });
    }
    schedule(endpoint);
  });
}

function start(endpoint) {
  if (endpoint[kClosed]) return;
  endpoint[kStarted] = true;
  schedule(endpoint);
}

// Closing a handle (the port close() was called on, or a BroadcastChannel) ends with one more
// callback of its resource in the close phase (a 'close' event), then its destroy. The peer of
// a closed port is only marked closed: Node leaves its handle to the garbage collector.
function closeEndpoint(endpoint, closeHandle) {
  if (endpoint[kClosed]) return;
  setRef(endpoint, false);
  endpoint[kClosed] = true;
  endpoint[kQueue].length = 0;
  if (closeHandle) loop.closeHandle(endpoint, () => endpoint.dispatchEvent(new Event('close')));
}

// `onmessage` starts and refs the endpoint; a 'message' listener added with addEventListener()
// does the same, as Node's ports do (browsers would wait for start()).
function messageHandlerAccessors(Class) {
  Object.defineProperty(Class.prototype, 'onmessage', {
    configurable: true,
    enumerable: true,
    get() {
      return this[kOnMessage];
    },
    set(fn) {
      this[kOnMessage] = typeof fn === 'function' ? fn : null;
      if (this[kOnMessage] !== null) {
        setRef(this, true);
        start(this);
      }
    },
  });
}

const kPeer = Symbol('kPeer');

class MessagePort extends EventTarget {
  constructor(secret) {
    if (secret !== kPeer) throw new TypeError('Illegal constructor');
    super();
    initEndpoint(this, false);
    this[kPeer] = null;
  }

  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (type === 'message' && listener) {
      setRef(this, true);
      start(this);
    }
  }

  postMessage(message) {
    if (this[kClosed]) return;
    const data = cloneMessage(message);
    const peer = this[kPeer];
    if (peer !== null) receive(peer, data);
  }

  start() {
    start(this);
  }

  close() {
    const peer = this[kPeer];
    closeEndpoint(this, true);
    if (peer !== null) {
      this[kPeer] = null;
      peer[kPeer] = null;
      closeEndpoint(peer, false);
    }
  }

  ref() {
    setRef(this, true);
    return this;
  }

  unref() {
    setRef(this, false);
    return this;
  }

  hasRef() {
    return this[kRefed];
  }
}
messageHandlerAccessors(MessagePort);

class MessageChannel {
  constructor() {
    this.port1 = new MessagePort(kPeer);
    this.port2 = new MessagePort(kPeer);
    this.port1[kPeer] = this.port2;
    this.port2[kPeer] = this.port1;
  }
}

const broadcastGroups = new Map(); // name -> open BroadcastChannels, in creation order

class BroadcastChannel extends EventTarget {
  #name;

  constructor(name) {
    if (arguments.length === 0) throw new TypeError('The "name" argument must be specified');
    super();
    this.#name = `${name}`;
    // Open broadcast channels keep the loop alive until closed, as in Node.
    initEndpoint(this, true);
    start(this);
    let group = broadcastGroups.get(this.#name);
    if (group === undefined) broadcastGroups.set(this.#name, (group = []));
    group.push(this);
  }

  get name() {
    return this.#name;
  }

  postMessage(message) {
    if (this[kClosed]) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError');
    const data = cloneMessage(message);
    for (const other of broadcastGroups.get(this.#name) || []) {
      if (other !== this) receive(other, data);
    }
  }

  close() {
    if (this[kClosed]) return;
    const group = broadcastGroups.get(this.#name);
    const i = group.indexOf(this);
    if (i !== -1) group.splice(i, 1);
    closeEndpoint(this, true);
  }

  ref() {
    setRef(this, true);
    return this;
  }

  unref() {
    setRef(this, false);
    return this;
  }
}
messageHandlerAccessors(BroadcastChannel);

// ---- TextEncoder / TextDecoder (UTF-8 only) ---------------------------------------------------

class TextEncoder {
  get encoding() {
    return 'utf-8';
  }

  encode(input = '') {
    const s = `${input}`;
    const out = [];
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }
}

const toBytes = (input) => {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView');
};

class TextDecoder {
  #pending = [];
  #fatal;
  #ignoreBOM;
  #bomSeen = false;

  constructor(label = 'utf-8', options = {}) {
    const l = `${label}`.trim().toLowerCase();
    if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') {
      throw new RangeError(`The "${label}" encoding is not supported`);
    }
    this.#fatal = !!options.fatal;
    this.#ignoreBOM = !!options.ignoreBOM;
  }

  get encoding() {
    return 'utf-8';
  }

  get fatal() {
    return this.#fatal;
  }

  get ignoreBOM() {
    return this.#ignoreBOM;
  }

  decode(input, options = {}) {
    const bytes = [...this.#pending, ...toBytes(input)];
    const stream = !!options.stream;
    this.#pending = [];
    let out = '';
    let i = 0;
    const bad = () => {
      if (this.#fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
      out += '\ufffd';
    };
    while (i < bytes.length) {
      const b = bytes[i];
      let need = 0;
      let cp = 0;
      let min = 0;
      if (b < 0x80) {
        out += String.fromCharCode(b);
        i++;
        continue;
      } else if (b >= 0xc2 && b <= 0xdf) [need, cp, min] = [1, b & 0x1f, 0x80];
      else if (b >= 0xe0 && b <= 0xef) [need, cp, min] = [2, b & 0x0f, 0x800];
      else if (b >= 0xf0 && b <= 0xf4) [need, cp, min] = [3, b & 0x07, 0x10000];
      else {
        bad();
        i++;
        continue;
      }
      let j = 1;
      for (; j <= need && i + j < bytes.length; j++) {
        const c = bytes[i + j];
        if ((c & 0xc0) !== 0x80) break;
        cp = (cp << 6) | (c & 63);
      }
      if (j <= need && i + j >= bytes.length && stream) {
        this.#pending = bytes.slice(i);
        break;
      }
      if (j <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        bad();
        i += Math.max(1, j);
        continue;
      }
      out += String.fromCodePoint(cp);
      i += need + 1;
    }
    if (!this.#bomSeen && out.length > 0) {
      this.#bomSeen = true;
      if (!this.#ignoreBOM && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
    }
    if (!stream) this.#bomSeen = false;
    return out;
  }
}

// ---- WHATWG streams -----------------------------------------------------------------------
//
// Default (non-byte) streams only, following the specification's algorithms step by step: a
// callback of the underlying source or sink runs either synchronously inside the call that
// needs it or in a promise reaction attached by the algorithm that waits for it, exactly where
// the specification (and Node's implementation of it) attaches one.

const kState = Symbol('kState');

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const handled = (p) => {
  p.then(undefined, () => {});
  return p;
};

// Call fn; a promise it returns is used as it is, anything else is wrapped.
function callAsPromise(fn, thisArg, ...args) {
  try {
    const value = Reflect.apply(fn, thisArg, args);
    return value instanceof Promise ? value : Promise.resolve(value);
  } catch (err) {
    return Promise.reject(err);
  }
}

const resolved = () => Promise.resolve();

function sizeOf(strategy) {
  const size = strategy?.size;
  return size === undefined ? () => 1 : (chunk) => size(chunk);
}

function highWaterMarkOf(strategy, fallback) {
  const hwm = strategy?.highWaterMark;
  if (hwm === undefined) return fallback;
  const n = Number(hwm);
  if (Number.isNaN(n) || n < 0) throw new RangeError(`Invalid highWaterMark: ${hwm}`);
  return n;
}

// -- ReadableStream --

class ReadableStream {
  constructor(source = {}, strategy = {}) {
    if (source?.type === 'bytes') throw new RangeError('Byte streams are not modelled by the reference runtime');
    this[kState] = { state: 'readable', reader: undefined, storedError: undefined, disturbed: false, controller: undefined };
    const controller = new ReadableStreamDefaultController(kState);
    setUpReadableController(this, controller, {
      start: source.start ? () => source.start(controller) : undefined,
      pull: source.pull ? () => callAsPromise(source.pull, source, controller) : resolved,
      cancel: source.cancel ? (r) => callAsPromise(source.cancel, source, r) : resolved,
    }, highWaterMarkOf(strategy, 1), sizeOf(strategy));
  }

  get locked() {
    return this[kState].reader !== undefined;
  }

  cancel(reason) {
    if (this.locked) return Promise.reject(new TypeError('ReadableStream is locked'));
    return readableCancel(this, reason);
  }

  getReader(options = {}) {
    if (options?.mode === 'byob') throw new TypeError('BYOB readers are not modelled by the reference runtime');
    return new ReadableStreamDefaultReader(this);
  }

  pipeThrough(transform, options = {}) {
    if (this.locked) throw new TypeError('The ReadableStream is locked');
    if (transform.writable.locked) throw new TypeError('The WritableStream is locked');
    handled(pipeTo(this, transform.writable, options));
    return transform.readable;
  }

  pipeTo(dest, options = {}) {
    if (this.locked) return Promise.reject(new TypeError('The ReadableStream is locked'));
    if (dest.locked) return Promise.reject(new TypeError('The WritableStream is locked'));
    return pipeTo(this, dest, options);
  }

  values(options = {}) {
    return readableIterator(this, !!options?.preventCancel);
  }

  [Symbol.asyncIterator](options) {
    return this.values(options);
  }

  static from(iterable) {
    const it = iterable[Symbol.asyncIterator] ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
    return new ReadableStream({
      pull(c) {
        return Promise.resolve(it.next()).then((r) => (r.done ? c.close() : c.enqueue(r.value)));
      },
      cancel(reason) {
        return typeof it.return === 'function' ? Promise.resolve(it.return(reason)).then(() => {}) : undefined;
      },
    }, { highWaterMark: 0 });
  }
}

class ReadableStreamDefaultController {
  constructor(secret) {
    if (secret !== kState) throw new TypeError('Illegal constructor');
  }

  get desiredSize() {
    return readableDesiredSize(this);
  }

  close() {
    if (!canCloseOrEnqueue(this)) throw new TypeError('Invalid state: Controller is already closed');
    readableControllerClose(this);
  }

  enqueue(chunk) {
    if (!canCloseOrEnqueue(this)) throw new TypeError('Invalid state: Controller is already closed');
    readableControllerEnqueue(this, chunk);
  }

  error(e) {
    readableControllerError(this, e);
  }
}

function setUpReadableController(stream, controller, algorithms, hwm, size) {
  controller[kState] = {
    stream, queue: [], queueTotalSize: 0, started: false, closeRequested: false,
    pullAgain: false, pulling: false, hwm, size,
    pull: algorithms.pull, cancel: algorithms.cancel,
  };
  stream[kState].controller = controller;
  const startResult = algorithms.start ? algorithms.start() : undefined;
  const started = () => {
    controller[kState].started = true;
    readableCallPullIfNeeded(controller);
  };
  // As in Node 26: a start() that returns a plain value is followed by a queued microtask (a
  // Microtask resource), anything else is waited for as a promise.
  if (startResult === null || (typeof startResult !== 'object' && typeof startResult !== 'function')) {
    loop.queueMicrotask(started);
    return;
  }
  new Promise((r) => r(startResult)).then(started, (r) => readableControllerError(controller, r));
}

function readableDesiredSize(controller) {
  const s = controller[kState];
  const state = s.stream[kState].state;
  if (state === 'errored') return null;
  if (state === 'closed') return 0;
  return s.hwm - s.queueTotalSize;
}

function canCloseOrEnqueue(controller) {
  const s = controller[kState];
  return !s.closeRequested && s.stream[kState].state === 'readable';
}

function shouldCallPull(controller) {
  const s = controller[kState];
  if (!canCloseOrEnqueue(controller) || !s.started) return false;
  const reader = s.stream[kState].reader;
  if (reader !== undefined && reader[kState].readRequests.length > 0) return true;
  return readableDesiredSize(controller) > 0;
}

function readableCallPullIfNeeded(controller) {
  if (!shouldCallPull(controller)) return;
  const s = controller[kState];
  if (s.pulling) {
    s.pullAgain = true;
    return;
  }
  s.pulling = true;
  s.pull().then(
    () => {
      s.pulling = false;
      if (s.pullAgain) {
        s.pullAgain = false;
        readableCallPullIfNeeded(controller);
      }
    },
    (e) => readableControllerError(controller, e),
  );
}

function clearReadableAlgorithms(controller) {
  controller[kState].pull = undefined;
  controller[kState].cancel = undefined;
}

function readableControllerClose(controller) {
  if (!canCloseOrEnqueue(controller)) return;
  const s = controller[kState];
  s.closeRequested = true;
  if (s.queue.length === 0) {
    clearReadableAlgorithms(controller);
    readableClose(s.stream);
  }
}

function readableControllerEnqueue(controller, chunk) {
  if (!canCloseOrEnqueue(controller)) return;
  const s = controller[kState];
  const reader = s.stream[kState].reader;
  if (reader !== undefined && reader[kState].readRequests.length > 0) {
    reader[kState].readRequests.shift().chunk(chunk);
  } else {
    let size;
    try {
      size = s.size(chunk);
    } catch (e) {
      readableControllerError(controller, e);
      throw e;
    }
    s.queue.push({ value: chunk, size });
    s.queueTotalSize += size;
  }
  readableCallPullIfNeeded(controller);
}

function readableControllerError(controller, e) {
  const s = controller[kState];
  if (s.stream[kState].state !== 'readable') return;
  s.queue = [];
  s.queueTotalSize = 0;
  clearReadableAlgorithms(controller);
  readableError(s.stream, e);
}

function readableClose(stream) {
  stream[kState].state = 'closed';
  const reader = stream[kState].reader;
  if (reader === undefined) return;
  reader[kState].closed.resolve();
  const requests = reader[kState].readRequests.splice(0);
  for (const r of requests) r.close();
}

function readableError(stream, e) {
  stream[kState].state = 'errored';
  stream[kState].storedError = e;
  const reader = stream[kState].reader;
  if (reader === undefined) return;
  reader[kState].closed.reject(e);
  handled(reader[kState].closed.promise);
  const requests = reader[kState].readRequests.splice(0);
  for (const r of requests) r.error(e);
}

function readableCancel(stream, reason) {
  stream[kState].disturbed = true;
  if (stream[kState].state === 'closed') return Promise.resolve();
  if (stream[kState].state === 'errored') return Promise.reject(stream[kState].storedError);
  readableClose(stream);
  const controller = stream[kState].controller;
  const s = controller[kState];
  s.queue = [];
  s.queueTotalSize = 0;
  const result = s.cancel(reason);
  clearReadableAlgorithms(controller);
  return result.then(() => undefined);
}

// The pull steps of a default controller for one read request.
function readablePullSteps(controller, request) {
  const s = controller[kState];
  if (s.queue.length > 0) {
    const { value, size } = s.queue.shift();
    s.queueTotalSize -= size;
    if (s.queueTotalSize < 0) s.queueTotalSize = 0;
    if (s.closeRequested && s.queue.length === 0) {
      clearReadableAlgorithms(controller);
      readableClose(s.stream);
    } else {
      readableCallPullIfNeeded(controller);
    }
    request.chunk(value);
    return;
  }
  s.stream[kState].reader[kState].readRequests.push(request);
  readableCallPullIfNeeded(controller);
}

function readerRead(reader, request) {
  const stream = reader[kState].stream;
  stream[kState].disturbed = true;
  if (stream[kState].state === 'closed') request.close();
  else if (stream[kState].state === 'errored') request.error(stream[kState].storedError);
  else readablePullSteps(stream[kState].controller, request);
}

function readerRelease(reader) {
  const stream = reader[kState].stream;
  const err = new TypeError('Invalid state: Releasing reader');
  if (stream[kState].state === 'readable') reader[kState].closed.reject(err);
  else {
    reader[kState].closed = deferred();
    reader[kState].closed.reject(err);
  }
  handled(reader[kState].closed.promise);
  stream[kState].reader = undefined;
  reader[kState].stream = undefined;
  const requests = reader[kState].readRequests.splice(0);
  for (const r of requests) r.error(new TypeError('Invalid state: Releasing reader'));
}

class DefaultReadRequest {
  constructor() {
    this.d = deferred();
  }
  chunk(value) {
    this.d.resolve({ done: false, value });
  }
  close() {
    this.d.resolve({ done: true, value: undefined });
  }
  error(e) {
    this.d.reject(e);
  }
}

class ReadableStreamDefaultReader {
  constructor(stream) {
    if (!(stream instanceof ReadableStream)) throw new TypeError('The "stream" argument must be an instance of ReadableStream');
    if (stream.locked) throw new TypeError('Invalid state: ReadableStream is locked');
    this[kState] = { stream, readRequests: [], closed: deferred() };
    stream[kState].reader = this;
    if (stream[kState].state === 'closed') this[kState].closed.resolve();
    else if (stream[kState].state === 'errored') {
      this[kState].closed.reject(stream[kState].storedError);
      handled(this[kState].closed.promise);
    }
  }

  get closed() {
    return this[kState].closed.promise;
  }

  read() {
    if (this[kState].stream === undefined) {
      return Promise.reject(new TypeError('Invalid state: The reader is not attached to a stream'));
    }
    const request = new DefaultReadRequest();
    readerRead(this, request);
    return request.d.promise;
  }

  releaseLock() {
    if (this[kState].stream !== undefined) readerRelease(this);
  }

  cancel(reason) {
    if (this[kState].stream === undefined) {
      return Promise.reject(new TypeError('Invalid state: The reader is not attached to a stream'));
    }
    return readableCancel(this[kState].stream, reason);
  }
}

const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);

// As Node's: each next() chains on the one before, so reads happen one after the other, each in
// a reaction attached by the next() call that asked for it (the first one synchronously).
function readableIterator(stream, preventCancel) {
  const reader = new ReadableStreamDefaultReader(stream);
  const state = { done: false, current: undefined, started: false };
  const nextSteps = () => {
    if (state.done) return Promise.resolve({ done: true, value: undefined });
    if (reader[kState].stream === undefined) {
      return Promise.reject(new TypeError('Invalid state: The reader is not bound to a ReadableStream'));
    }
    const d = deferred();
    readerRead(reader, {
      chunk(value) {
        state.current = undefined;
        d.resolve({ done: false, value });
      },
      close() {
        state.current = undefined;
        state.done = true;
        readerRelease(reader);
        d.resolve({ done: true, value: undefined });
      },
      error(e) {
        state.current = undefined;
        state.done = true;
        readerRelease(reader);
        d.reject(e);
      },
    });
    return d.promise;
  };
  const returnSteps = async (value) => {
    if (state.done) return { done: true, value };
    state.done = true;
    if (reader[kState].stream === undefined) {
      throw new TypeError('Invalid state: The reader is not bound to a ReadableStream');
    }
    if (!preventCancel) {
      const result = readableCancel(reader[kState].stream, value);
      readerRelease(reader);
      await result;
      return { done: true, value };
    }
    readerRelease(reader);
    return { done: true, value };
  };
  let chained;
  return Object.setPrototypeOf({
    // As Node 26's: the first next() waits one microtask; later ones chain on a pending one;
    // a chunk already queued is handed out at once, without a read request.
    next() {
      if (!state.started) {
        state.current = Promise.resolve();
        state.started = true;
      }
      if (state.current !== undefined) {
        chained ??= () => nextSteps();
        state.current = state.current.then(chained, chained);
        return state.current;
      }
      const stream = reader[kState].stream;
      if (!state.done && stream !== undefined && stream[kState].state === 'readable') {
        const controller = stream[kState].controller;
        const cs = controller[kState];
        if (cs.queue.length > 0) {
          stream[kState].disturbed = true;
          const { value, size } = cs.queue.shift();
          cs.queueTotalSize = Math.max(0, cs.queueTotalSize - size);
          if (cs.closeRequested && cs.queue.length === 0) {
            clearReadableAlgorithms(controller);
            readableClose(stream);
          } else {
            readableCallPullIfNeeded(controller);
          }
          return Promise.resolve({ done: false, value });
        }
      }
      state.current = nextSteps();
      return state.current;
    },
    return(value) {
      state.started = true;
      state.current = state.current !== undefined
        ? state.current.then(() => returnSteps(value), () => returnSteps(value))
        : returnSteps(value);
      return state.current;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  }, AsyncIteratorPrototype);
}

// -- WritableStream --

const closeSentinel = Symbol('close');

class WritableStream {
  constructor(sink = {}, strategy = {}) {
    this[kState] = {
      state: 'writable', storedError: undefined, writer: undefined, controller: undefined,
      writeRequests: [], inFlightWriteRequest: undefined, closeRequest: undefined,
      inFlightCloseRequest: undefined, pendingAbortRequest: undefined, backpressure: false,
    };
    const controller = new WritableStreamDefaultController(kState);
    setUpWritableController(this, controller, {
      start: sink.start ? () => sink.start(controller) : undefined,
      write: sink.write ? (chunk) => callAsPromise(sink.write, sink, chunk, controller) : resolved,
      close: sink.close ? () => callAsPromise(sink.close, sink) : resolved,
      abort: sink.abort ? (r) => callAsPromise(sink.abort, sink, r) : resolved,
    }, highWaterMarkOf(strategy, 1), sizeOf(strategy));
  }

  get locked() {
    return this[kState].writer !== undefined;
  }

  getWriter() {
    return new WritableStreamDefaultWriter(this);
  }

  close() {
    if (this.locked) return Promise.reject(new TypeError('Invalid state: WritableStream is locked'));
    if (closeQueuedOrInFlight(this)) return Promise.reject(new TypeError('Invalid state: WritableStream is closed'));
    return writableClose(this);
  }

  abort(reason) {
    if (this.locked) return Promise.reject(new TypeError('Invalid state: WritableStream is locked'));
    return writableAbort(this, reason);
  }
}

class WritableStreamDefaultController {
  constructor(secret) {
    if (secret !== kState) throw new TypeError('Illegal constructor');
  }

  error(e) {
    if (this[kState].stream[kState].state !== 'writable') return;
    writableControllerError(this, e);
  }
}

function setUpWritableController(stream, controller, algorithms, hwm, size) {
  controller[kState] = {
    stream, queue: [], queueTotalSize: 0, started: false, hwm, size,
    write: algorithms.write, close: algorithms.close, abort: algorithms.abort,
  };
  stream[kState].controller = controller;
  updateBackpressure(stream, writableBackpressure(controller));
  const startResult = algorithms.start ? algorithms.start() : undefined;
  const started = () => {
    controller[kState].started = true;
    advanceQueueIfNeeded(controller);
  };
  if (startResult === null || (typeof startResult !== 'object' && typeof startResult !== 'function')) {
    loop.queueMicrotask(started);
    return;
  }
  new Promise((r) => r(startResult)).then(started, (r) => {
    controller[kState].started = true;
    dealWithRejection(stream, r);
  });
}

const writableDesiredSize = (controller) => controller[kState].hwm - controller[kState].queueTotalSize;
const writableBackpressure = (controller) => writableDesiredSize(controller) <= 0;

function closeQueuedOrInFlight(stream) {
  return stream[kState].closeRequest !== undefined || stream[kState].inFlightCloseRequest !== undefined;
}

function hasOperationInFlight(stream) {
  return stream[kState].inFlightWriteRequest !== undefined || stream[kState].inFlightCloseRequest !== undefined;
}

// The new state is published before the writer's ready record is resolved: a pipe parked on
// that record resumes synchronously from here (see pipeTo).
function updateBackpressure(stream, backpressure) {
  const writer = stream[kState].writer;
  const changed = backpressure !== stream[kState].backpressure;
  stream[kState].backpressure = backpressure;
  if (writer !== undefined && changed) {
    if (backpressure) writer[kState].ready = deferred();
    else writer[kState].ready.resolve();
  }
}

function advanceQueueIfNeeded(controller) {
  const s = controller[kState];
  const stream = s.stream;
  if (!s.started || stream[kState].inFlightWriteRequest !== undefined) return;
  if (stream[kState].state === 'erroring') {
    finishErroring(stream);
    return;
  }
  if (s.queue.length === 0) return;
  const { value } = s.queue[0];
  if (value === closeSentinel) processClose(controller);
  else processWrite(controller, value);
}

function processWrite(controller, chunk) {
  const s = controller[kState];
  const stream = s.stream;
  stream[kState].inFlightWriteRequest = stream[kState].writeRequests.shift();
  s.write(chunk).then(
    () => {
      stream[kState].inFlightWriteRequest.resolve();
      stream[kState].inFlightWriteRequest = undefined;
      const { size } = s.queue.shift();
      s.queueTotalSize = Math.max(0, s.queueTotalSize - size);
      if (!closeQueuedOrInFlight(stream) && stream[kState].state === 'writable') {
        updateBackpressure(stream, writableBackpressure(controller));
      }
      advanceQueueIfNeeded(controller);
    },
    (reason) => {
      if (stream[kState].state === 'writable') clearWritableAlgorithms(controller);
      stream[kState].inFlightWriteRequest.reject(reason);
      stream[kState].inFlightWriteRequest = undefined;
      dealWithRejection(stream, reason);
    },
  );
}

function processClose(controller) {
  const s = controller[kState];
  const stream = s.stream;
  stream[kState].inFlightCloseRequest = stream[kState].closeRequest;
  stream[kState].closeRequest = undefined;
  s.queue.shift();
  const close = s.close;
  clearWritableAlgorithms(controller);
  close().then(
    () => {
      stream[kState].inFlightCloseRequest.resolve();
      stream[kState].inFlightCloseRequest = undefined;
      if (stream[kState].state === 'erroring') {
        stream[kState].storedError = undefined;
        if (stream[kState].pendingAbortRequest !== undefined) {
          stream[kState].pendingAbortRequest.resolve();
          stream[kState].pendingAbortRequest = undefined;
        }
      }
      stream[kState].state = 'closed';
      const writer = stream[kState].writer;
      if (writer !== undefined) writer[kState].closed.resolve();
    },
    (reason) => {
      stream[kState].inFlightCloseRequest.reject(reason);
      stream[kState].inFlightCloseRequest = undefined;
      if (stream[kState].pendingAbortRequest !== undefined) {
        stream[kState].pendingAbortRequest.reject(reason);
        stream[kState].pendingAbortRequest = undefined;
      }
      dealWithRejection(stream, reason);
    },
  );
}

function clearWritableAlgorithms(controller) {
  controller[kState].write = undefined;
  controller[kState].close = undefined;
  controller[kState].abort = undefined;
}

function writableControllerError(controller, e) {
  clearWritableAlgorithms(controller);
  startErroring(controller[kState].stream, e);
}

function dealWithRejection(stream, e) {
  if (stream[kState].state === 'writable') {
    startErroring(stream, e);
    return;
  }
  finishErroring(stream);
}

function startErroring(stream, reason) {
  const controller = stream[kState].controller;
  stream[kState].state = 'erroring';
  stream[kState].storedError = reason;
  const writer = stream[kState].writer;
  if (writer !== undefined) writerEnsureReadyRejected(writer, reason);
  if (!hasOperationInFlight(stream) && controller[kState].started) finishErroring(stream);
}

function finishErroring(stream) {
  stream[kState].state = 'errored';
  const controller = stream[kState].controller;
  controller[kState].queue = [];
  controller[kState].queueTotalSize = 0;
  const e = stream[kState].storedError;
  for (const r of stream[kState].writeRequests.splice(0)) r.reject(e);
  const abortRequest = stream[kState].pendingAbortRequest;
  if (abortRequest === undefined) {
    rejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  stream[kState].pendingAbortRequest = undefined;
  if (abortRequest.wasAlreadyErroring) {
    abortRequest.reject(e);
    rejectCloseAndClosedPromiseIfNeeded(stream);
    return;
  }
  const abort = controller[kState].abort || resolved;
  clearWritableAlgorithms(controller);
  abort(abortRequest.reason).then(
    () => {
      abortRequest.resolve();
      rejectCloseAndClosedPromiseIfNeeded(stream);
    },
    (reason) => {
      abortRequest.reject(reason);
      rejectCloseAndClosedPromiseIfNeeded(stream);
    },
  );
}

function rejectCloseAndClosedPromiseIfNeeded(stream) {
  if (stream[kState].closeRequest !== undefined) {
    stream[kState].closeRequest.reject(stream[kState].storedError);
    stream[kState].closeRequest = undefined;
  }
  const writer = stream[kState].writer;
  if (writer !== undefined) {
    writer[kState].closed.reject(stream[kState].storedError);
    handled(writer[kState].closed.promise);
  }
}

function writerEnsureReadyRejected(writer, e) {
  const ready = writer[kState].ready;
  if (ready.settled) writer[kState].ready = deferred();
  writer[kState].ready.reject(e);
  writer[kState].ready.settled = true;
  handled(writer[kState].ready.promise);
}

function writableAbort(stream, reason) {
  if (stream[kState].state === 'closed' || stream[kState].state === 'errored') return Promise.resolve();
  if (stream[kState].pendingAbortRequest !== undefined) return stream[kState].pendingAbortRequest.promise;
  let wasAlreadyErroring = false;
  if (stream[kState].state === 'erroring') {
    wasAlreadyErroring = true;
    reason = undefined;
  }
  const d = deferred();
  stream[kState].pendingAbortRequest = { ...d, reason, wasAlreadyErroring };
  if (!wasAlreadyErroring) startErroring(stream, reason);
  return d.promise;
}

function writableClose(stream) {
  const state = stream[kState].state;
  if (state === 'closed' || state === 'errored') {
    return Promise.reject(new TypeError('Invalid state: WritableStream is closed'));
  }
  const d = deferred();
  stream[kState].closeRequest = d;
  const writer = stream[kState].writer;
  if (writer !== undefined && stream[kState].backpressure && state === 'writable') writer[kState].ready.resolve();
  const controller = stream[kState].controller;
  controller[kState].queue.push({ value: closeSentinel, size: 0 });
  advanceQueueIfNeeded(controller);
  return d.promise;
}

function writerWrite(writer, chunk) {
  const stream = writer[kState].stream;
  const controller = stream[kState].controller;
  let size;
  try {
    size = controller[kState].size(chunk);
  } catch (e) {
    if (stream[kState].state === 'writable') writableControllerError(controller, e);
    size = 1;
  }
  if (stream !== writer[kState].stream) return Promise.reject(new TypeError('Invalid state: Writer released'));
  const state = stream[kState].state;
  if (state === 'errored') return Promise.reject(stream[kState].storedError);
  if (closeQueuedOrInFlight(stream) || state === 'closed') {
    return Promise.reject(new TypeError('Invalid state: WritableStream is closed'));
  }
  if (state === 'erroring') return Promise.reject(stream[kState].storedError);
  const d = deferred();
  stream[kState].writeRequests.push(d);
  controller[kState].queue.push({ value: chunk, size });
  controller[kState].queueTotalSize += size;
  if (!closeQueuedOrInFlight(stream) && stream[kState].state === 'writable') {
    updateBackpressure(stream, writableBackpressure(controller));
  }
  advanceQueueIfNeeded(controller);
  return d.promise;
}

function writerRelease(writer) {
  const stream = writer[kState].stream;
  const err = new TypeError('Invalid state: Writer released');
  writerEnsureReadyRejected(writer, err);
  writer[kState].closed.reject(err);
  handled(writer[kState].closed.promise);
  stream[kState].writer = undefined;
  writer[kState].stream = undefined;
}

class WritableStreamDefaultWriter {
  constructor(stream) {
    if (!(stream instanceof WritableStream)) throw new TypeError('The "stream" argument must be an instance of WritableStream');
    if (stream.locked) throw new TypeError('Invalid state: WritableStream is locked');
    this[kState] = { stream, ready: deferred(), closed: deferred() };
    stream[kState].writer = this;
    const state = stream[kState].state;
    if (state === 'writable') {
      if (!closeQueuedOrInFlight(stream) && stream[kState].backpressure) {
        // ready stays pending
      } else this[kState].ready.resolve();
    } else if (state === 'erroring') {
      this[kState].ready.reject(stream[kState].storedError);
      this[kState].ready.settled = true;
      handled(this[kState].ready.promise);
    } else if (state === 'closed') {
      this[kState].ready.resolve();
      this[kState].closed.resolve();
    } else {
      this[kState].ready.reject(stream[kState].storedError);
      this[kState].ready.settled = true;
      handled(this[kState].ready.promise);
      this[kState].closed.reject(stream[kState].storedError);
      handled(this[kState].closed.promise);
    }
  }

  get ready() {
    return this[kState].ready.promise;
  }

  get closed() {
    return this[kState].closed.promise;
  }

  get desiredSize() {
    const stream = this[kState].stream;
    if (stream === undefined) throw new TypeError('Invalid state: Writer released');
    const state = stream[kState].state;
    if (state === 'errored' || state === 'erroring') return null;
    if (state === 'closed') return 0;
    return writableDesiredSize(stream[kState].controller);
  }

  write(chunk) {
    if (this[kState].stream === undefined) return Promise.reject(new TypeError('Invalid state: Writer released'));
    return writerWrite(this, chunk);
  }

  close() {
    const stream = this[kState].stream;
    if (stream === undefined) return Promise.reject(new TypeError('Invalid state: Writer released'));
    if (closeQueuedOrInFlight(stream)) return Promise.reject(new TypeError('Invalid state: WritableStream is closed'));
    return writableClose(stream);
  }

  abort(reason) {
    if (this[kState].stream === undefined) return Promise.reject(new TypeError('Invalid state: Writer released'));
    return writableAbort(this[kState].stream, reason);
  }

  releaseLock() {
    if (this[kState].stream !== undefined) writerRelease(this);
  }
}

// -- pipeTo, in the shape of Node 26's: a callback-driven pump instead of a loop of promises.
// The pump writes every chunk already queued in the source at once, parks on the writer's
// ready record under backpressure (so a completed write that clears it resumes the pump
// synchronously, in that write's context), and otherwise reads one chunk and writes it from a
// promise reaction. The watchers of the two streams closing or failing are installed as their
// closed records, so they run synchronously when that happens. Every write of the pipe shares
// one request record that counts the writes still pending.

const neverSettles = new Promise(() => {});
const noop = () => {};

function pipeTo(source, dest, options = {}) {
  const { preventClose = false, preventAbort = false, preventCancel = false, signal } = options || {};
  const reader = new ReadableStreamDefaultReader(source);
  const writer = new WritableStreamDefaultWriter(dest);
  source[kState].disturbed = true;
  const done = deferred();
  let shuttingDown = false;

  const writes = {
    pending: 0,
    failed: false,
    failure: undefined,
    stall: null,
    resolve() {
      if (--this.pending === 0 && this.stall !== null) {
        const stall = this.stall;
        this.stall = null;
        if (this.failed) stall.reject(this.failure);
        else stall.resolve();
      }
    },
    reject(error) {
      this.pending--;
      this.failed = true;
      this.failure = error;
      if (this.stall !== null) {
        const stall = this.stall;
        this.stall = null;
        stall.reject(error);
      }
    },
  };
  const write = (chunk) => {
    const stream = writer[kState].stream;
    const controller = stream[kState].controller;
    let size;
    try {
      size = controller[kState].size(chunk);
    } catch (e) {
      if (stream[kState].state === 'writable') writableControllerError(controller, e);
      size = 1;
    }
    const state = stream[kState].state;
    if (state === 'errored' || state === 'erroring') {
      writes.failed = true;
      writes.failure = stream[kState].storedError;
      return;
    }
    if (closeQueuedOrInFlight(stream) || state === 'closed') {
      writes.failed = true;
      writes.failure = new TypeError('Invalid state: WritableStream is closed');
      return;
    }
    stream[kState].writeRequests.push(writes);
    writes.pending++;
    controller[kState].queue.push({ value: chunk, size });
    controller[kState].queueTotalSize += size;
    if (!closeQueuedOrInFlight(stream) && stream[kState].state === 'writable') {
      updateBackpressure(stream, writableBackpressure(controller));
    }
    advanceQueueIfNeeded(controller);
  };

  const finalize = (isError, value) => {
    writer[kState].ready = deferred();
    writer[kState].closed = deferred();
    reader[kState].closed = deferred();
    writerRelease(writer);
    readerRelease(reader);
    if (signal !== undefined) signal.removeEventListener('abort', onAbort);
    if (isError) done.reject(value);
    else done.resolve();
  };
  const waitForPendingWrites = () => {
    if (writes.pending === 0) return writes.failed ? Promise.reject(writes.failure) : Promise.resolve();
    writes.stall = deferred();
    return writes.stall.promise;
  };
  const shutdownWithAnAction = (action, isError, error) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const complete = () => {
      action().then(() => finalize(isError, error), (e) => finalize(true, e));
    };
    if (dest[kState].state === 'writable' && !closeQueuedOrInFlight(dest)) {
      waitForPendingWrites().then(complete, (e) => finalize(true, e));
      return;
    }
    complete();
  };
  const shutdown = (isError, error) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (dest[kState].state === 'writable' && !closeQueuedOrInFlight(dest)) {
      waitForPendingWrites().then(() => finalize(isError, error), (e) => finalize(true, e));
      return;
    }
    finalize(isError, error);
  };
  function onAbort() {
    const error = signal.reason;
    const actions = [];
    if (!preventAbort) actions.push(() => (dest[kState].state === 'writable' ? writableAbort(dest, error) : Promise.resolve()));
    if (!preventCancel) actions.push(() => (source[kState].state === 'readable' ? readableCancel(source, error) : Promise.resolve()));
    shutdownWithAnAction(() => Promise.all(actions.map((a) => a())), true, error);
  }

  let readyRecord;
  let pendingChunk;
  let readRequest;
  const parkOnReady = () => {
    readyRecord ??= { promise: neverSettles, resolve: pump, reject: noop, settled: false };
    writer[kState].ready = readyRecord;
  };
  const forwardChunk = () => {
    const chunk = pendingChunk;
    pendingChunk = undefined;
    write(chunk);
    pump();
  };
  function pump() {
    if (shuttingDown) return;
    if (dest[kState].backpressure) {
      parkOnReady();
      return;
    }
    const controller = source[kState].controller;
    const cs = controller[kState];
    if (source[kState].state === 'readable' && cs.queue.length > 0) {
      while (cs.queue.length > 0) {
        if (shuttingDown) return;
        const { value, size } = cs.queue.shift();
        cs.queueTotalSize = Math.max(0, cs.queueTotalSize - size);
        if (cs.closeRequested && cs.queue.length === 0) {
          clearReadableAlgorithms(controller);
          readableClose(source);
        }
        write(value);
        if (dest[kState].backpressure) break;
        if (dest[kState].state !== 'writable' || closeQueuedOrInFlight(dest)) break;
      }
      readableCallPullIfNeeded(controller);
      if (source[kState].state === 'closed') return;
      if (dest[kState].backpressure) {
        parkOnReady();
        return;
      }
      Promise.resolve().then(pump);
      return;
    }
    readRequest ??= {
      chunk(chunk) {
        pendingChunk = chunk;
        Promise.resolve().then(forwardChunk);
      },
      close: noop,
      error: noop,
    };
    readerRead(reader, readRequest);
  }

  if (signal !== undefined) {
    if (signal.aborted) {
      onAbort();
      return done.promise;
    }
    signal.addEventListener('abort', onAbort, { once: true });
  }

  pump();

  const onSourceErrored = (error) => {
    if (!preventAbort) shutdownWithAnAction(() => writableAbort(dest, error), true, error);
    else shutdown(true, error);
  };
  const onSourceClosed = () => {
    if (!preventClose) {
      shutdownWithAnAction(() => {
        const state = dest[kState].state;
        if (closeQueuedOrInFlight(dest) || state === 'closed') return Promise.resolve();
        if (state === 'errored') return Promise.reject(dest[kState].storedError);
        return writableClose(dest);
      });
    } else shutdown();
  };
  const onDestErrored = (error) => {
    if (!preventCancel) shutdownWithAnAction(() => readableCancel(source, error), true, error);
    else shutdown(true, error);
  };
  const hook = (onResolve, onReject) => ({ promise: neverSettles, resolve: onResolve || noop, reject: onReject || noop });
  if (source[kState].state === 'errored') onSourceErrored(source[kState].storedError);
  else if (source[kState].state !== 'closed') reader[kState].closed = hook(onSourceClosed, onSourceErrored);
  if (dest[kState].state === 'errored') onDestErrored(dest[kState].storedError);
  else writer[kState].closed = hook(undefined, onDestErrored);
  if (source[kState].state === 'closed') onSourceClosed();
  if (closeQueuedOrInFlight(dest) || dest[kState].state === 'closed') {
    const error = new TypeError('Invalid state: Destination WritableStream is closed');
    if (!preventCancel) shutdownWithAnAction(() => readableCancel(source, error), true, error);
    else shutdown(true, error);
  }
  return done.promise;
}

// -- TransformStream --

class TransformStream {
  constructor(transformer = {}, writableStrategy = {}, readableStrategy = {}) {
    const startPromise = deferred();
    const state = { backpressure: undefined, backpressureChange: undefined, controller: undefined };
    this[kState] = state;
    const controller = new TransformStreamDefaultController(kState);
    controller[kState] = { stream: this };
    state.controller = controller;
    const transform = transformer.transform
      ? (chunk) => callAsPromise(transformer.transform, transformer, chunk, controller)
      : (chunk) => {
        try {
          transformEnqueue(controller, chunk);
          return Promise.resolve();
        } catch (e) {
          return Promise.reject(e);
        }
      };
    const flush = transformer.flush ? () => callAsPromise(transformer.flush, transformer, controller) : resolved;
    controller[kState].transform = transform;
    controller[kState].flush = flush;
    this.writable = new WritableStream({
      start: () => startPromise.promise,
      write: (chunk) => sinkWrite(this, chunk),
      close: () => sinkClose(this),
      abort: (reason) => {
        transformError(this, reason);
        return Promise.resolve();
      },
    }, { highWaterMark: highWaterMarkOf(writableStrategy, 1), size: writableStrategy?.size });
    this.readable = new ReadableStream({
      start: () => startPromise.promise,
      pull: () => {
        setBackpressure(this, false);
        return state.backpressureChange.promise;
      },
      cancel: (reason) => {
        errorWritableAndUnblockWrite(this, reason);
        return Promise.resolve();
      },
    }, { highWaterMark: highWaterMarkOf(readableStrategy, 0), size: readableStrategy?.size });
    setBackpressure(this, true);
    const startResult = transformer.start ? transformer.start(controller) : undefined;
    startPromise.resolve(startResult);
  }
}

class TransformStreamDefaultController {
  constructor(secret) {
    if (secret !== kState) throw new TypeError('Illegal constructor');
  }

  get desiredSize() {
    return readableDesiredSize(this[kState].stream.readable[kState].controller);
  }

  enqueue(chunk) {
    transformEnqueue(this, chunk);
  }

  error(reason) {
    transformError(this[kState].stream, reason);
  }

  terminate() {
    const stream = this[kState].stream;
    readableControllerClose(stream.readable[kState].controller);
    errorWritableAndUnblockWrite(stream, new TypeError('Invalid state: TransformStream terminated'));
  }
}

function setBackpressure(stream, backpressure) {
  const s = stream[kState];
  if (s.backpressureChange !== undefined) s.backpressureChange.resolve();
  s.backpressureChange = deferred();
  s.backpressure = backpressure;
}

function transformEnqueue(controller, chunk) {
  const stream = controller[kState].stream;
  const rc = stream.readable[kState].controller;
  if (!canCloseOrEnqueue(rc)) throw new TypeError('Invalid state: Unable to enqueue');
  try {
    readableControllerEnqueue(rc, chunk);
  } catch (e) {
    errorWritableAndUnblockWrite(stream, e);
    throw stream.readable[kState].storedError;
  }
  const backpressure = !shouldCallPull(rc);
  if (backpressure !== stream[kState].backpressure) setBackpressure(stream, true);
}

function transformError(stream, e) {
  readableControllerError(stream.readable[kState].controller, e);
  errorWritableAndUnblockWrite(stream, e);
}

function errorWritableAndUnblockWrite(stream, e) {
  const wc = stream.writable[kState].controller;
  if (stream.writable[kState].state === 'writable') writableControllerError(wc, e);
  if (stream[kState].backpressure) setBackpressure(stream, false);
}

function performTransform(stream, chunk) {
  return stream[kState].controller[kState].transform(chunk).then(undefined, (r) => {
    transformError(stream, r);
    throw r;
  });
}

function sinkWrite(stream, chunk) {
  if (stream[kState].backpressure) {
    return stream[kState].backpressureChange.promise.then(() => {
      const w = stream.writable[kState];
      if (w.state === 'erroring') throw w.storedError;
      return performTransform(stream, chunk);
    });
  }
  return performTransform(stream, chunk);
}

function sinkClose(stream) {
  const flush = stream[kState].controller[kState].flush;
  return flush().then(
    () => {
      const r = stream.readable[kState];
      if (r.state === 'errored') throw r.storedError;
      readableControllerClose(r.controller);
    },
    (e) => {
      transformError(stream, e);
      throw stream.readable[kState].storedError;
    },
  );
}

// TextDecoderStream / TextEncoderStream: a TransformStream inside, as in Node.
class TextDecoderStream {
  #transform;
  #decoder;

  constructor(label = 'utf-8', options = {}) {
    this.#decoder = new TextDecoder(label, options);
    const decoder = this.#decoder;
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        const text = decoder.decode(chunk, { stream: true });
        if (text) controller.enqueue(text);
      },
      flush(controller) {
        const text = decoder.decode();
        if (text) controller.enqueue(text);
        controller.terminate();
      },
    });
  }

  get encoding() {
    return this.#decoder.encoding;
  }

  get readable() {
    return this.#transform.readable;
  }

  get writable() {
    return this.#transform.writable;
  }
}

class TextEncoderStream {
  #transform;

  constructor() {
    const encoder = new TextEncoder();
    this.#transform = new TransformStream({
      transform(chunk, controller) {
        const bytes = encoder.encode(chunk);
        if (bytes.length > 0) controller.enqueue(bytes);
      },
    });
  }

  get encoding() {
    return 'utf-8';
  }

  get readable() {
    return this.#transform.readable;
  }

  get writable() {
    return this.#transform.writable;
  }
}

class CountQueuingStrategy {
  constructor({ highWaterMark }) {
    this.highWaterMark = highWaterMark;
  }
  get size() {
    return () => 1;
  }
}

class ByteLengthQueuingStrategy {
  constructor({ highWaterMark }) {
    this.highWaterMark = highWaterMark;
  }
  get size() {
    return (chunk) => chunk.byteLength;
  }
}

internal.webExtra = {
  MessageEvent,
  MessagePort,
  MessageChannel,
  BroadcastChannel,
  TextEncoder,
  TextDecoder,
  ReadableStream,
  ReadableStreamDefaultReader,
  ReadableStreamDefaultController,
  WritableStream,
  WritableStreamDefaultWriter,
  WritableStreamDefaultController,
  TransformStream,
  TransformStreamDefaultController,
  TextDecoderStream,
  TextEncoderStream,
  CountQueuingStrategy,
  ByteLengthQueuingStrategy,
};
