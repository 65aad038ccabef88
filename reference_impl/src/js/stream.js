// node:stream and node:stream/promises: Readable, Writable, Duplex, Transform, PassThrough,
// pipeline(), finished() and Readable.from(). The streams are plain JavaScript over nextTick and
// promises, as in Node, so the store a listener or callback sees is the store of whatever
// scheduled that tick: the code that pushed, wrote, ended or destroyed. The state machines
// follow Node's observable order (which tick emits what); see docs/decisions/005.

const { codes, nodeError, validateFunction } = internal.errors;
const ah = internal.asyncHooks;
const loop = internal.loop;
const { EventEmitter } = internal.events;
const nextTick = loop.nextTick;
const { AsyncResource, AsyncContextFrame } = ah;

const streamError = (code, message, Base = Error) => nodeError(Base, code, message);
const prematureClose = () => streamError('ERR_STREAM_PREMATURE_CLOSE', 'Premature close');
function abortError(cause) {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  if (cause !== undefined) e.cause = cause;
  return e;
}
const nop = () => {};

// ---- bytes --------------------------------------------------------------------------------

const Buf = () => internal.Buffer;
function toBuffer(chunk) {
  const B = Buf();
  if (chunk instanceof B) return chunk;
  return B.from(chunk);
}
function concat(list) {
  const B = Buf();
  let n = 0;
  for (const b of list) n += b.length;
  const out = new B(n);
  let at = 0;
  for (const b of list) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
const decode = (chunk) => (typeof chunk === 'string' ? chunk : toBuffer(chunk).toString());

function defaultHwm(objectMode) {
  return objectMode ? 16 : 64 * 1024;
}
function pickHwm(options, dupKey, isDuplex, objectMode) {
  if (options) {
    if (options.highWaterMark != null) return Math.floor(options.highWaterMark);
    if (isDuplex && options[dupKey] != null) return Math.floor(options[dupKey]);
  }
  return defaultHwm(objectMode);
}

// ---- the legacy base ----------------------------------------------------------------------

function Stream(opts) {
  EventEmitter.call(this, opts);
}
Object.setPrototypeOf(Stream.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Stream, EventEmitter);

// ---- destroy ------------------------------------------------------------------------------

function isDestroyedState(stream) {
  const w = stream._writableState;
  const r = stream._readableState;
  return (w && w.destroyed) || (r && r.destroyed);
}

function recordError(err, w, r) {
  if (err) {
    if (w && !w.errored) w.errored = err;
    if (r && !r.errored) r.errored = err;
  }
}

function destroy(err, cb) {
  const r = this._readableState;
  const w = this._writableState;
  if ((w && w.destroyed) || (r && r.destroyed)) {
    if (typeof cb === 'function') cb();
    return this;
  }
  recordError(err, w, r);
  if (w) w.destroyed = true;
  if (r) r.destroyed = true;
  const self = this;
  let called = false;
  function onDestroy(e) {
    if (called) return;
    called = true;
    recordError(e, self._writableState, self._readableState);
    if (w) w.closed = true;
    if (r) r.closed = true;
    if (typeof cb === 'function') cb(e);
    if (e) nextTick(emitErrorCloseNT, self, e);
    else nextTick(emitCloseNT, self);
  }
  try {
    this._destroy(err || null, onDestroy);
  } catch (e) {
    onDestroy(e);
  }
  return this;
}

function emitErrorCloseNT(self, err) {
  emitErrorNT(self, err);
  emitCloseNT(self);
}

function emitCloseNT(self) {
  const r = self._readableState;
  const w = self._writableState;
  if (w) w.closeEmitted = true;
  if (r) r.closeEmitted = true;
  if ((w && w.emitClose) || (r && r.emitClose)) self.emit('close');
}

function emitErrorNT(self, err) {
  const r = self._readableState;
  const w = self._writableState;
  if ((w && w.errorEmitted) || (r && r.errorEmitted)) return;
  if (w) w.errorEmitted = true;
  if (r) r.errorEmitted = true;
  self.emit('error', err);
}

function errorOrDestroy(stream, err, sync) {
  const r = stream._readableState;
  const w = stream._writableState;
  if ((w && w.destroyed) || (r && r.destroyed)) return;
  if ((r && r.autoDestroy) || (w && w.autoDestroy)) {
    stream.destroy(err);
  } else if (err) {
    if (w && !w.errored) w.errored = err;
    if (r && !r.errored) r.errored = err;
    if (sync) nextTick(emitErrorNT, stream, err);
    else emitErrorNT(stream, err);
  }
}

// Tear a stream down from outside (pipeline, iterators): an unfinished stream gets an AbortError.
function destroyer(stream, err) {
  if (!stream || isDestroyed(stream)) return;
  if (!err && !isFinished(stream)) err = abortError();
  if (typeof stream.destroy === 'function') stream.destroy(err);
  else if (typeof stream.close === 'function') stream.close();
}

// ---- Readable -----------------------------------------------------------------------------

function ReadableState(options, stream, isDuplex) {
  this.objectMode = !!(options && (options.objectMode || (isDuplex && options.readableObjectMode)));
  this.highWaterMark = pickHwm(options, 'readableHighWaterMark', isDuplex, this.objectMode);
  this.buffer = [];
  this.length = 0;
  this.pipes = [];
  this.flowing = null;
  this.ended = false;
  this.endEmitted = false;
  this.reading = false;
  this.constructed = true;
  this.sync = true; // pushes before the first _read() are delivered on a later tick
  this.needReadable = false;
  this.emittedReadable = false;
  this.readableListening = false;
  this.resumeScheduled = false;
  this.eofReadablePending = false;
  this.dataListening = false;
  this.endScheduled = false;
  this.errorEmitted = false;
  this.emitClose = !(options && options.emitClose === false);
  this.autoDestroy = !(options && options.autoDestroy === false);
  this.destroyed = false;
  this.errored = null;
  this.closed = false;
  this.closeEmitted = false;
  this.awaitDrainWriters = null;
  this.multiAwaitDrain = false;
  this.readingMore = false;
  this.dataEmitted = false;
  this.decoder = false;
  this.encoding = null;
  this.paused = false;
  this.hasPaused = false;
  this.readable = true;
  if (options && options.encoding) {
    this.decoder = true;
    this.encoding = String(options.encoding).toLowerCase();
  }
}

function Readable(options) {
  if (!(this instanceof Readable)) return new Readable(options);
  const isDuplex = this instanceof Duplex;
  this._readableState = new ReadableState(options, this, isDuplex);
  if (options) {
    if (typeof options.read === 'function') this._read = options.read;
    if (typeof options.destroy === 'function') this._destroy = options.destroy;
    if (typeof options.construct === 'function') this._construct = options.construct;
    if (options.signal) addAbortSignal(options.signal, this);
  }
  Stream.call(this, options);
  if (typeof this._construct === 'function') construct(this);
}
Object.setPrototypeOf(Readable.prototype, Stream.prototype);
Object.setPrototypeOf(Readable, Stream);
Readable.ReadableState = ReadableState;

const RP = Readable.prototype;
RP.destroy = destroy;
RP._destroy = function (err, cb) {
  cb(err);
};
RP[Symbol.for('nodejs.rejection')] = function (err) {
  this.destroy(err);
};

RP.push = function push(chunk, encoding) {
  return addChunkFromPush(this, this._readableState, chunk, encoding, false);
};
RP.unshift = function unshift(chunk, encoding) {
  return addChunkFromPush(this, this._readableState, chunk, encoding, true);
};

function addChunkFromPush(stream, state, chunk, encoding, front) {
  if (chunk === null) {
    state.reading = false;
    onEofChunk(stream, state);
    return false;
  }
  if (!state.objectMode) {
    if (typeof chunk === 'string') {
      if (!state.decoder) chunk = toBuffer(chunk);
    } else if (chunk instanceof Uint8Array) {
      chunk = toBuffer(chunk);
      if (state.decoder) chunk = decode(chunk);
    } else if (chunk !== undefined) {
      errorOrDestroy(stream, codes.ERR_INVALID_ARG_TYPE('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk));
      return false;
    }
    if (!chunk || chunk.length <= 0) {
      if (!front) state.reading = false;
      maybeReadMore(stream, state);
      return canPushMore(state);
    }
  }
  if (front) {
    if (state.endEmitted) {
      errorOrDestroy(stream, streamError('ERR_STREAM_UNSHIFT_AFTER_END_EVENT', 'stream.unshift() after end event'));
      return false;
    }
    if (state.destroyed || state.errored) return false;
    addChunk(stream, state, chunk, true);
    return canPushMore(state);
  }
  if (state.ended) {
    errorOrDestroy(stream, streamError('ERR_STREAM_PUSH_AFTER_EOF', 'stream.push() after EOF'));
    return false;
  }
  if (state.destroyed || state.errored) return false;
  state.reading = false;
  addChunk(stream, state, chunk, false);
  return canPushMore(state);
}

function canPushMore(state) {
  return !state.ended && (state.length < state.highWaterMark || state.length === 0);
}

function addChunk(stream, state, chunk, front) {
  if (state.flowing && !state.sync && state.dataListening && state.length === 0) {
    if (state.multiAwaitDrain) state.awaitDrainWriters.clear();
    else state.awaitDrainWriters = null;
    state.dataEmitted = true;
    stream.emit('data', chunk);
  } else {
    state.length += state.objectMode ? 1 : chunk.length;
    if (front) state.buffer.unshift(chunk);
    else state.buffer.push(chunk);
    if (state.needReadable) emitReadable(stream);
  }
  maybeReadMore(stream, state);
}

RP.isPaused = function isPaused() {
  const s = this._readableState;
  return s.paused || (s.flowing === false);
};

RP.setEncoding = function setEncoding(enc) {
  const state = this._readableState;
  state.decoder = true;
  state.encoding = enc ? String(enc).toLowerCase().replace('-', '') : 'utf8';
  let content = '';
  for (const c of state.buffer) content += decode(c);
  state.buffer = content === '' ? [] : [content];
  state.length = content.length;
  return this;
};

function howMuchToRead(n, state) {
  if (n <= 0 || (state.length === 0 && state.ended)) return 0;
  if (state.objectMode) return 1;
  if (Number.isNaN(n)) {
    if (state.flowing && state.length) return state.buffer[0].length;
    if (!state.decoder && state.length) return state.buffer[0].length;
    return state.length;
  }
  if (n <= state.length) return n;
  return state.ended ? state.length : 0;
}

RP.read = function read(n) {
  if (n === undefined) n = NaN;
  else if (!Number.isInteger(n)) n = Number.parseInt(n, 10);
  const state = this._readableState;
  const nOrig = n;
  if (n > state.highWaterMark) {
    let h = 1;
    while (h < n) h *= 2;
    state.highWaterMark = h;
  }
  if (n !== 0) {
    state.emittedReadable = false;
    state.eofReadablePending = false;
  }
  if (
    n === 0 &&
    state.needReadable &&
    ((state.highWaterMark !== 0 ? state.length >= state.highWaterMark : state.length > 0) || state.ended)
  ) {
    if (state.length === 0 && state.ended) endReadable(this);
    else emitReadable(this);
    return null;
  }
  n = howMuchToRead(n, state);
  if (n === 0 && state.ended) {
    if (state.length === 0) endReadable(this);
    return null;
  }
  let doRead = state.needReadable;
  if (state.length === 0 || state.length - n < state.highWaterMark) doRead = true;
  if (state.ended || state.reading || state.destroyed || state.errored || !state.constructed) {
    doRead = false;
  } else if (doRead) {
    state.reading = true;
    state.sync = true;
    if (state.length === 0) state.needReadable = true;
    try {
      this._read(state.highWaterMark);
    } catch (err) {
      errorOrDestroy(this, err);
    }
    state.sync = false;
    if (!state.reading) n = howMuchToRead(nOrig, state);
  }
  let ret = n > 0 ? fromList(n, state) : null;
  if (ret === null) {
    state.needReadable = state.needReadable || state.length <= state.highWaterMark;
    n = 0;
  } else {
    state.length -= n;
    if (state.multiAwaitDrain) state.awaitDrainWriters.clear();
    else state.awaitDrainWriters = null;
  }
  if (state.length === 0) {
    if (!state.ended) state.needReadable = true;
    if (nOrig !== n && state.ended) endReadable(this);
  }
  if (ret !== null && !state.errorEmitted && !state.closeEmitted) {
    state.dataEmitted = true;
    this.emit('data', ret);
  }
  return ret;
};

// Take n units (bytes, characters or one object) off the front of the buffer.
function fromList(n, state) {
  if (state.length === 0) return null;
  const buf = state.buffer;
  if (state.objectMode) return buf.shift();
  if (n >= state.length) {
    const all = state.decoder ? buf.join('') : buf.length === 1 ? buf[0] : concat(buf);
    state.buffer = [];
    return all;
  }
  if (n < buf[0].length) {
    const head = buf[0].slice(0, n);
    buf[0] = buf[0].slice(n);
    return state.decoder ? head : toBuffer(head);
  }
  if (n === buf[0].length) return buf.shift();
  const parts = [];
  let left = n;
  while (left > 0) {
    const c = buf[0];
    if (c.length <= left) {
      parts.push(buf.shift());
      left -= c.length;
    } else {
      parts.push(c.slice(0, left));
      buf[0] = c.slice(left);
      left = 0;
    }
  }
  return state.decoder ? parts.join('') : concat(parts);
}

function onEofChunk(stream, state) {
  if (state.ended) return;
  state.ended = true;
  if (state.sync) {
    if (state.flowing || state.needReadable || stream.listenerCount('readable') > 0) {
      emitReadable(stream);
    } else {
      state.eofReadablePending = true;
    }
  } else {
    state.needReadable = false;
    state.emittedReadable = true;
    emitReadable_(stream);
  }
}

function emitReadable(stream) {
  const state = stream._readableState;
  state.needReadable = false;
  if (!state.emittedReadable) {
    state.emittedReadable = true;
    nextTick(emitReadable_, stream);
  }
}

function emitReadable_(stream) {
  const state = stream._readableState;
  if (!state.destroyed && !state.errored && (state.length || state.ended)) {
    stream.emit('readable');
    state.emittedReadable = false;
  }
  if (!state.flowing && !state.ended && state.length <= state.highWaterMark) state.needReadable = true;
  flow(stream);
}

function maybeReadMore(stream, state) {
  if (!state.readingMore && !state.reading && state.constructed) {
    state.readingMore = true;
    nextTick(maybeReadMore_, stream, state);
  }
}

function maybeReadMore_(stream, state) {
  while (
    !state.reading &&
    !state.ended &&
    (state.length < state.highWaterMark || (state.flowing && state.length === 0))
  ) {
    const len = state.length;
    stream.read(0);
    if (len === state.length) break;
  }
  state.readingMore = false;
}

RP._read = function () {
  throw streamError('ERR_METHOD_NOT_IMPLEMENTED', 'The _read() method is not implemented');
};

RP.pipe = function pipe(dest, pipeOpts) {
  const src = this;
  const state = this._readableState;
  if (state.pipes.length === 1 && !state.multiAwaitDrain) {
    state.multiAwaitDrain = true;
    state.awaitDrainWriters = new Set(state.awaitDrainWriters ? [state.awaitDrainWriters] : []);
  }
  state.pipes.push(dest);
  const doEnd = !pipeOpts || pipeOpts.end !== false;
  const endFn = doEnd ? onend : unpipe;
  if (state.endEmitted) nextTick(endFn);
  else src.once('end', endFn);
  dest.on('unpipe', onunpipe);
  function onunpipe(readable, info) {
    if (readable === src && info && info.hasUnpiped === false) {
      info.hasUnpiped = true;
      cleanup();
    }
  }
  function onend() {
    dest.end();
  }
  let ondrain;
  let cleanedUp = false;
  function cleanup() {
    dest.removeListener('close', onclose);
    dest.removeListener('finish', onfinish);
    if (ondrain) dest.removeListener('drain', ondrain);
    dest.removeListener('error', onerror);
    dest.removeListener('unpipe', onunpipe);
    src.removeListener('end', onend);
    src.removeListener('end', unpipe);
    src.removeListener('data', ondata);
    cleanedUp = true;
    if (ondrain && state.awaitDrainWriters) ondrain();
  }
  function pause() {
    if (!cleanedUp) {
      if (state.pipes.length === 1 && state.pipes[0] === dest) {
        state.awaitDrainWriters = dest;
        state.multiAwaitDrain = false;
      } else if (state.pipes.length > 1 && state.pipes.includes(dest)) {
        state.awaitDrainWriters.add(dest);
      }
      src.pause();
    }
    if (!ondrain) {
      ondrain = pipeOnDrain(src, dest);
      dest.on('drain', ondrain);
    }
  }
  src.on('data', ondata);
  function ondata(chunk) {
    try {
      if (dest.write(chunk) === false) pause();
    } catch (error) {
      dest.destroy(error);
    }
  }
  function onerror(er) {
    unpipe();
    dest.removeListener('error', onerror);
    if (dest.listenerCount('error') === 0) {
      const s = dest._writableState || dest._readableState;
      if (s && !s.errorEmitted) errorOrDestroy(dest, er);
      else dest.emit('error', er);
    }
  }
  dest.prependListener('error', onerror);
  function onclose() {
    dest.removeListener('finish', onfinish);
    unpipe();
  }
  dest.once('close', onclose);
  function onfinish() {
    dest.removeListener('close', onclose);
    unpipe();
  }
  dest.once('finish', onfinish);
  function unpipe() {
    src.unpipe(dest);
  }
  dest.emit('pipe', src);
  if (dest.writableNeedDrain === true) pause();
  else if (!state.flowing) src.resume();
  return dest;
};

function pipeOnDrain(src, dest) {
  return function pipeOnDrainResult() {
    const state = src._readableState;
    if (state.awaitDrainWriters === dest) state.awaitDrainWriters = null;
    else if (state.multiAwaitDrain) state.awaitDrainWriters.delete(dest);
    if ((!state.awaitDrainWriters || state.awaitDrainWriters.size === 0) && src.listenerCount('data')) {
      src.resume();
    }
  };
}

RP.unpipe = function unpipe(dest) {
  const state = this._readableState;
  const info = { hasUnpiped: false };
  if (state.pipes.length === 0) return this;
  if (!dest) {
    const dests = state.pipes;
    state.pipes = [];
    this.pause();
    for (const d of dests) d.emit('unpipe', this, { hasUnpiped: false });
    return this;
  }
  const i = state.pipes.indexOf(dest);
  if (i === -1) return this;
  state.pipes.splice(i, 1);
  if (state.pipes.length === 0) this.pause();
  dest.emit('unpipe', this, info);
  return this;
};

RP.on = function on(ev, fn) {
  const res = Stream.prototype.on.call(this, ev, fn);
  const state = this._readableState;
  if (ev === 'data') {
    state.dataListening = true;
    state.readableListening = this.listenerCount('readable') > 0;
    if (state.flowing !== false) this.resume();
  } else if (ev === 'readable') {
    if (!state.endEmitted && !state.readableListening) {
      state.readableListening = state.needReadable = true;
      state.flowing = false;
      state.emittedReadable = false;
      if (state.length) {
        emitReadable(this);
      } else {
        if (state.eofReadablePending) {
          state.eofReadablePending = false;
          emitReadable(this);
        }
        if (!state.reading) nextTick(nReadingNextTick, this);
      }
    }
  }
  return res;
};
RP.addListener = RP.on;

RP.removeListener = function removeListener(ev, fn) {
  const state = this._readableState;
  const res = Stream.prototype.removeListener.call(this, ev, fn);
  if (ev === 'readable') nextTick(updateReadableListening, this);
  else if (ev === 'data' && this.listenerCount('data') === 0) state.dataListening = false;
  return res;
};
RP.off = RP.removeListener;

RP.removeAllListeners = function removeAllListeners(ev) {
  const res = Stream.prototype.removeAllListeners.call(this, ev);
  if (ev === 'readable' || ev === undefined) nextTick(updateReadableListening, this);
  if (ev === 'data' || ev === undefined) this._readableState.dataListening = false;
  return res;
};

function updateReadableListening(self) {
  const state = self._readableState;
  state.readableListening = self.listenerCount('readable') > 0;
  if (state.resumeScheduled && state.hasPaused && !state.paused) {
    state.flowing = true;
  } else if (state.dataListening) {
    self.resume();
  } else if (!state.readableListening) {
    state.flowing = null;
  }
}

function nReadingNextTick(self) {
  self.read(0);
}

RP.resume = function resume() {
  const state = this._readableState;
  if (state.destroyed) return this;
  if (!state.flowing) {
    state.flowing = !state.readableListening;
    if (!state.resumeScheduled) {
      state.resumeScheduled = true;
      nextTick(resume_, this, state);
    }
  }
  state.hasPaused = true;
  state.paused = false;
  return this;
};

function resume_(stream, state) {
  if (!state.reading) stream.read(0);
  state.resumeScheduled = false;
  stream.emit('resume');
  flow(stream);
  if (state.flowing && !state.reading) stream.read(0);
}

RP.pause = function pause() {
  const state = this._readableState;
  if (state.destroyed) return this;
  if (state.flowing !== false) {
    state.flowing = false;
    this.emit('pause');
  }
  state.hasPaused = true;
  state.paused = true;
  return this;
};

function flow(stream) {
  const state = stream._readableState;
  while (state.flowing && stream.read() !== null);
}

function endReadable(stream) {
  const state = stream._readableState;
  if (!state.endEmitted && !state.endScheduled) {
    state.ended = true;
    state.endScheduled = true;
    nextTick(endReadableNT, state, stream);
  }
}

function endReadableNT(state, stream) {
  state.endScheduled = false;
  if (!state.errored && !state.closeEmitted && !state.endEmitted && state.length === 0) {
    state.endEmitted = true;
    stream.emit('end');
    if (stream.writable && stream.allowHalfOpen === false) {
      nextTick(endWritableNT, stream);
    } else if (state.autoDestroy) {
      const w = stream._writableState;
      const auto = !w || (w.autoDestroy && (w.finished || w.writable === false));
      if (auto) stream.destroy();
    }
  }
}

function endWritableNT(stream) {
  if (stream.writable && !stream.writableEnded && !stream.destroyed) stream.end();
}

// ---- async iteration ----------------------------------------------------------------------

RP[Symbol.asyncIterator] = function () {
  return createAsyncIterator(this);
};
RP.iterator = function (options) {
  return createAsyncIterator(this, options);
};

// Pull chunks with read(); wait for 'readable' or the end (watched with eos) when none is
// buffered. Requests made while one is waiting queue behind it.
function createAsyncIterator(stream, options) {
  let callback = nop;
  let error; // undefined: running, null: ended, else the error
  let started = false;
  let completed = false;
  let inFlight = false;
  let queue = null;
  let draining = false;
  let cleanup;
  function wakeup(resolve) {
    if (this === stream) {
      callback();
      callback = nop;
    } else {
      callback = resolve;
    }
  }
  function start() {
    started = true;
    stream.on('readable', wakeup);
    cleanup = eos(stream, { writable: false }, (err) => {
      error = err ? (error ? error : err) : null;
      callback();
      callback = nop;
    });
  }
  function finalize() {
    completed = true;
    if (
      (error || !options || options.destroyOnReturn !== false) &&
      (error === undefined || stream._readableState.autoDestroy)
    ) {
      destroyer(stream, null);
    } else {
      stream.off('readable', wakeup);
      cleanup();
    }
  }
  function settleError(err, reject) {
    error = error || err;
    finalize();
    reject(error);
  }
  function drain() {
    if (draining) return;
    draining = true;
    try {
      while (!inFlight && queue.length) {
        const req = queue.shift();
        if (req.type === 'next') processNext(req.resolve, req.reject);
        else if (req.type === 'return') processReturn(req.value, req.resolve);
        else processThrow(req.value, req.reject);
      }
    } finally {
      draining = false;
    }
  }
  function pump(resolve, reject) {
    const chunk = stream.destroyed ? null : stream.read();
    if (chunk !== null) {
      inFlight = false;
      resolve({ done: false, value: chunk });
      if (queue !== null) drain();
    } else if (error) {
      inFlight = false;
      settleError(error, reject);
      if (queue !== null) drain();
    } else if (error === null) {
      inFlight = false;
      finalize();
      resolve({ done: true, value: undefined });
      if (queue !== null) drain();
    } else {
      new Promise(wakeup).then(() => pump(resolve, reject));
    }
  }
  function processNext(resolve, reject) {
    if (completed) {
      resolve({ done: true, value: undefined });
      return;
    }
    if (!started) start();
    inFlight = true;
    pump(resolve, reject);
  }
  function processReturn(value, resolve) {
    if (!completed) {
      if (started) finalize();
      else completed = true;
    }
    resolve({ done: true, value });
  }
  function processThrow(err, reject) {
    if (completed || !started) {
      completed = true;
      reject(err);
      return;
    }
    settleError(err, reject);
  }
  const enqueue = (type, value) =>
    new Promise((resolve, reject) => {
      queue = queue || [];
      queue.push({ type, value, resolve, reject });
    });
  return {
    __proto__: Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})())),
    next() {
      if (!inFlight && !completed) {
        if (!started) start();
        const chunk = stream.destroyed ? null : stream.read();
        if (chunk !== null) return Promise.resolve({ done: false, value: chunk });
        if (error) {
          finalize();
          return Promise.reject(error);
        }
        if (error === null) {
          finalize();
          return Promise.resolve({ done: true, value: undefined });
        }
        inFlight = true;
        return new Promise((resolve, reject) => {
          new Promise(wakeup).then(() => pump(resolve, reject));
        });
      }
      if (inFlight) return enqueue('next');
      return new Promise((resolve) => resolve({ done: true, value: undefined }));
    },
    return(value) {
      if (inFlight) return enqueue('return', value);
      return new Promise((resolve) => processReturn(value, resolve));
    },
    throw(err) {
      if (inFlight) return enqueue('throw', err);
      return new Promise((resolve, reject) => processThrow(err, reject));
    },
  };
}

// ---- Readable.from ------------------------------------------------------------------------

Readable.from = function from(iterable, opts) {
  let iterator;
  let isAsync;
  if (typeof iterable === 'string' || iterable instanceof Uint8Array) {
    return new Readable({
      objectMode: true,
      ...opts,
      read() {
        this.push(iterable);
        this.push(null);
      },
    });
  }
  if (iterable && iterable[Symbol.asyncIterator]) {
    isAsync = true;
    iterator = iterable[Symbol.asyncIterator]();
  } else if (iterable && iterable[Symbol.iterator]) {
    isAsync = false;
    iterator = iterable[Symbol.iterator]();
  } else {
    throw codes.ERR_INVALID_ARG_TYPE('iterable', 'an instance of Iterable', iterable);
  }
  const readable = new Readable({ objectMode: true, highWaterMark: 1, ...opts });
  const originalDestroy = readable._destroy;
  let reading = false;
  let asyncValues = false;
  const nullValues = () => streamError('ERR_STREAM_NULL_VALUES', 'May not write null values to stream', TypeError);
  readable._read = function () {
    if (!reading) {
      reading = true;
      if (isAsync) nextAsync();
      else if (asyncValues) nextSyncAsyncValues();
      else nextSync();
    }
  };
  readable._destroy = function (error, cb) {
    originalDestroy.call(this, error, (destroyError) => {
      const combined = destroyError || error;
      close(combined).then(
        () => nextTick(cb, combined),
        (closeError) => nextTick(cb, combined || closeError),
      );
    });
  };
  async function close(error) {
    const hadError = error !== undefined && error !== null;
    if (hadError && typeof iterator.throw === 'function') {
      const { value, done } = await iterator.throw(error);
      await value;
      if (done) return;
    }
    if (typeof iterator.return === 'function') {
      const { value } = await iterator.return();
      await value;
    }
  }
  function nextSync() {
    for (;;) {
      try {
        const { value, done } = iterator.next();
        if (done) {
          readable.push(null);
          return;
        }
        if (value && typeof value.then === 'function') return toAsyncValues(value);
        if (value === null) {
          reading = false;
          throw nullValues();
        }
        if (readable.push(value)) continue;
        reading = false;
      } catch (err) {
        readable.destroy(err);
      }
      break;
    }
  }
  async function toAsyncValues(value) {
    asyncValues = true;
    try {
      const res = await value;
      if (res === null) {
        reading = false;
        throw nullValues();
      }
      if (readable.push(res)) {
        nextSyncAsyncValues();
        return;
      }
      reading = false;
    } catch (err) {
      readable.destroy(err);
    }
  }
  async function nextSyncAsyncValues() {
    for (;;) {
      try {
        const { value, done } = iterator.next();
        if (done) {
          readable.push(null);
          return;
        }
        const res = value && typeof value.then === 'function' ? await value : value;
        if (res === null) {
          reading = false;
          throw nullValues();
        }
        if (readable.push(res)) continue;
        reading = false;
      } catch (err) {
        readable.destroy(err);
      }
      break;
    }
  }
  async function nextAsync() {
    for (;;) {
      try {
        const { value, done } = await iterator.next();
        if (done) {
          readable.push(null);
          return;
        }
        if (value === null) {
          reading = false;
          throw nullValues();
        }
        if (readable.push(value)) continue;
        reading = false;
      } catch (err) {
        readable.destroy(err);
      }
      break;
    }
  }
  return readable;
};

function defineGetters(proto, getters) {
  for (const [name, get] of Object.entries(getters)) {
    Object.defineProperty(proto, name, { get, configurable: true, enumerable: false });
  }
}

Object.defineProperty(RP, 'readable', {
  configurable: true,
  get() {
    const r = this._readableState;
    return !!r && r.readable !== false && !r.destroyed && !r.errorEmitted && !r.endEmitted;
  },
  set(v) {
    if (this._readableState) this._readableState.readable = !!v;
  },
});
Object.defineProperty(RP, 'destroyed', {
  configurable: true,
  get() {
    return this._readableState ? this._readableState.destroyed : false;
  },
  set(v) {
    if (this._readableState) this._readableState.destroyed = v;
  },
});
defineGetters(RP, {
  readableDidRead() {
    return this._readableState.dataEmitted;
  },
  readableAborted() {
    const r = this._readableState;
    return !!(r.readable !== false && (r.destroyed || r.errored) && !r.endEmitted);
  },
  readableHighWaterMark() {
    return this._readableState.highWaterMark;
  },
  readableBuffer() {
    return this._readableState && this._readableState.buffer;
  },
  readableFlowing() {
    return this._readableState.flowing;
  },
  readableLength() {
    return this._readableState.length;
  },
  readableObjectMode() {
    return this._readableState ? this._readableState.objectMode : false;
  },
  readableEncoding() {
    return this._readableState ? this._readableState.encoding : null;
  },
  errored() {
    return this._readableState ? this._readableState.errored : null;
  },
  closed() {
    return this._readableState ? this._readableState.closed : false;
  },
  readableEnded() {
    return this._readableState ? this._readableState.endEmitted : false;
  },
});

// ---- Writable -----------------------------------------------------------------------------

function WritableState(options, stream, isDuplex) {
  this.objectMode = !!(options && (options.objectMode || (isDuplex && options.writableObjectMode)));
  this.highWaterMark = pickHwm(options, 'writableHighWaterMark', isDuplex, this.objectMode);
  this.finalCalled = false;
  this.needDrain = false;
  this.ending = false;
  this.ended = false;
  this.finished = false;
  this.destroyed = false;
  this.decodeStrings = !(options && options.decodeStrings === false);
  this.defaultEncoding = (options && options.defaultEncoding) || 'utf8';
  this.length = 0;
  this.writing = false;
  this.corked = 0;
  this.sync = true;
  this.bufferProcessing = false;
  this.writecb = null;
  this.writelen = 0;
  this.expectWriteCb = false;
  this.afterWriteTickInfo = null;
  this.afterWritePending = false;
  this.buffered = [];
  this.pendingcb = 0;
  this.constructed = true;
  this.prefinished = false;
  this.errorEmitted = false;
  this.emitClose = !(options && options.emitClose === false);
  this.autoDestroy = !(options && options.autoDestroy === false);
  this.errored = null;
  this.closed = false;
  this.closeEmitted = false;
  this.onFinished = [];
  this.writable = true;
  this.onwrite = (er) => onwrite(stream, er);
}

function Writable(options) {
  const isDuplex = this instanceof Duplex;
  if (!isDuplex && !(this instanceof Writable)) return new Writable(options);
  this._writableState = new WritableState(options, this, isDuplex);
  if (options) {
    if (typeof options.write === 'function') this._write = options.write;
    if (typeof options.writev === 'function') this._writev = options.writev;
    if (typeof options.destroy === 'function') this._destroy = options.destroy;
    if (typeof options.final === 'function') this._final = options.final;
    if (typeof options.construct === 'function') this._construct = options.construct;
    if (options.signal) addAbortSignal(options.signal, this);
  }
  Stream.call(this, options);
  if (typeof this._construct === 'function') construct(this);
}
Object.setPrototypeOf(Writable.prototype, Stream.prototype);
Object.setPrototypeOf(Writable, Stream);
Writable.WritableState = WritableState;

Object.defineProperty(Writable, Symbol.hasInstance, {
  value(object) {
    if (Function.prototype[Symbol.hasInstance].call(this, object)) return true;
    if (this !== Writable) return false;
    return !!(object && object._writableState instanceof WritableState);
  },
});

const WP = Writable.prototype;
WP.destroy = function (err, cb) {
  const state = this._writableState;
  if (!state.destroyed && (state.buffered.length || state.onFinished.length)) nextTick(errorBuffer, state);
  destroy.call(this, err, cb);
  return this;
};
WP._destroy = function (err, cb) {
  cb(err);
};
WP[Symbol.for('nodejs.rejection')] = function (err) {
  this.destroy(err);
};

function writeImpl(stream, chunk, encoding, cb) {
  const state = stream._writableState;
  if (typeof cb !== 'function') cb = nop;
  if (chunk === null) throw streamError('ERR_STREAM_NULL_VALUES', 'May not write null values to stream', TypeError);
  if (!state.objectMode) {
    if (typeof chunk === 'string') {
      if (state.decodeStrings !== false) {
        chunk = toBuffer(chunk);
        encoding = 'buffer';
      } else encoding = encoding || state.defaultEncoding;
    } else if (chunk instanceof Uint8Array) {
      chunk = toBuffer(chunk);
      encoding = 'buffer';
    } else {
      throw codes.ERR_INVALID_ARG_TYPE('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk);
    }
  }
  let err;
  if (state.ending) err = streamError('ERR_STREAM_WRITE_AFTER_END', 'write after end');
  else if (state.destroyed) err = streamError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed');
  if (err) {
    nextTick(cb, err);
    errorOrDestroy(stream, err, true);
    return err;
  }
  state.pendingcb++;
  return writeOrBuffer(stream, state, chunk, encoding, cb);
}

WP.write = function write(chunk, encoding, cb) {
  if (typeof encoding === 'function') {
    cb = encoding;
    encoding = null;
  }
  return writeImpl(this, chunk, encoding, cb) === true;
};

WP.cork = function cork() {
  this._writableState.corked++;
};
WP.uncork = function uncork() {
  const state = this._writableState;
  if (state.corked) {
    state.corked--;
    if (!state.writing) clearBuffer(this, state);
  }
};
WP.setDefaultEncoding = function (encoding) {
  this._writableState.defaultEncoding = encoding;
  return this;
};

function writeOrBuffer(stream, state, chunk, encoding, callback) {
  const len = state.objectMode ? 1 : chunk.length;
  state.length += len;
  if (state.writing || state.corked || state.errored || !state.constructed) {
    state.buffered.push({ chunk, encoding, callback });
  } else {
    state.writelen = len;
    state.writecb = callback;
    state.writing = true;
    state.sync = true;
    state.expectWriteCb = true;
    stream._write(chunk, encoding, state.onwrite);
    state.sync = false;
  }
  const ret = state.length < state.highWaterMark || state.length === 0;
  if (!ret) state.needDrain = true;
  return ret && !state.destroyed && !state.errored;
}

function doWrite(stream, state, writev, len, chunk, encoding, cb) {
  state.writelen = len;
  state.writecb = cb;
  state.writing = true;
  state.sync = true;
  state.expectWriteCb = true;
  if (state.destroyed) state.onwrite(streamError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed'));
  else if (writev) stream._writev(chunk, state.onwrite);
  else stream._write(chunk, encoding, state.onwrite);
  state.sync = false;
}

function onwriteError(stream, state, er, cb) {
  --state.pendingcb;
  cb(er);
  errorBuffer(state);
  errorOrDestroy(stream, er);
}

function onwrite(stream, er) {
  const state = stream._writableState;
  if (!state.expectWriteCb) {
    errorOrDestroy(stream, streamError('ERR_MULTIPLE_CALLBACK', 'Callback called multiple times'));
    return;
  }
  const sync = state.sync;
  const cb = state.writecb || nop;
  state.writecb = null;
  state.writing = false;
  state.expectWriteCb = false;
  state.length -= state.writelen;
  state.writelen = 0;
  if (er) {
    if (!state.errored) state.errored = er;
    if (stream._readableState && !stream._readableState.errored) stream._readableState.errored = er;
    if (sync) nextTick(onwriteError, stream, state, er, cb);
    else onwriteError(stream, state, er, cb);
    return;
  }
  if (state.buffered.length) clearBuffer(stream, state);
  if (sync) {
    const needDrain = state.needDrain && state.length === 0;
    // (Node tests a flag bit that is the object-mode bit here.)
    const needTick = needDrain || state.objectMode || cb !== nop;
    if (cb === nop) {
      if (!state.afterWritePending && needTick) {
        nextTick(afterWrite, stream, state, 1, cb);
        state.afterWritePending = true;
      } else {
        state.pendingcb--;
        if (state.ending) finishMaybe(stream, state, true);
      }
    } else if (state.afterWriteTickInfo !== null && state.afterWriteTickInfo.cb === cb) {
      state.afterWriteTickInfo.count++;
    } else if (needTick) {
      state.afterWriteTickInfo = { count: 1, cb, stream, state };
      nextTick(afterWriteTick, state.afterWriteTickInfo);
      state.afterWritePending = true;
    } else {
      state.pendingcb--;
      if (state.ending) finishMaybe(stream, state, true);
    }
  } else {
    afterWrite(stream, state, 1, cb);
  }
}

function afterWriteTick({ stream, state, count, cb }) {
  state.afterWriteTickInfo = null;
  return afterWrite(stream, state, count, cb);
}

function afterWrite(stream, state, count, cb) {
  state.afterWritePending = false;
  const needDrain = !state.ending && state.needDrain && !state.destroyed && state.length === 0;
  if (needDrain) {
    state.needDrain = false;
    stream.emit('drain');
  }
  while (count-- > 0) {
    state.pendingcb--;
    cb(null);
  }
  if (state.destroyed) errorBuffer(state);
  if (state.ending) finishMaybe(stream, state, true);
}

function errorBuffer(state) {
  if (state.writing) return;
  for (const { chunk, callback } of state.buffered) {
    state.length -= state.objectMode ? 1 : chunk.length;
    callback(state.errored || streamError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed'));
  }
  callFinishedCallbacks(state, state.errored || streamError('ERR_STREAM_DESTROYED', 'Cannot call end after a stream was destroyed'));
  state.buffered = [];
}

function clearBuffer(stream, state) {
  if (state.corked || state.bufferProcessing || state.destroyed || !state.constructed) return;
  const buffered = state.buffered;
  if (!buffered.length) return;
  state.bufferProcessing = true;
  if (buffered.length > 1 && stream._writev) {
    state.pendingcb -= buffered.length - 1;
    const list = buffered.slice();
    const callback = (err) => {
      for (const b of list) b.callback(err);
    };
    state.buffered = [];
    doWrite(stream, state, true, state.length, list, '', callback);
  } else {
    do {
      const { chunk, encoding, callback } = buffered.shift();
      const len = state.objectMode ? 1 : chunk.length;
      doWrite(stream, state, false, len, chunk, encoding, callback);
    } while (buffered.length && !state.writing);
  }
  state.bufferProcessing = false;
}

WP._write = function (chunk, encoding, cb) {
  if (this._writev) this._writev([{ chunk, encoding }], cb);
  else throw streamError('ERR_METHOD_NOT_IMPLEMENTED', 'The _write() method is not implemented');
};
WP._writev = null;

WP.end = function end(chunk, encoding, cb) {
  const state = this._writableState;
  if (typeof chunk === 'function') {
    cb = chunk;
    chunk = null;
    encoding = null;
  } else if (typeof encoding === 'function') {
    cb = encoding;
    encoding = null;
  }
  let err;
  if (chunk !== null && chunk !== undefined) {
    const ret = writeImpl(this, chunk, encoding);
    if (ret instanceof Error) err = ret;
  }
  if (state.corked) {
    state.corked = 1;
    this.uncork();
  }
  if (err) {
    // nothing more
  } else if (!state.ending && !state.errored) {
    state.ending = true;
    finishMaybe(this, state, true);
    state.ended = true;
  } else if (state.finished) {
    err = streamError('ERR_STREAM_ALREADY_FINISHED', 'Cannot call end after a stream was finished');
  } else if (state.destroyed) {
    err = streamError('ERR_STREAM_DESTROYED', 'Cannot call end after a stream was destroyed');
  }
  if (typeof cb === 'function') {
    if (err) nextTick(cb, err);
    else if (state.errored) nextTick(cb, state.errored);
    else if (state.finished) nextTick(cb, null);
    else state.onFinished.push(cb);
  }
  return this;
};

function needFinish(state) {
  return (
    state.ending &&
    !state.destroyed &&
    state.constructed &&
    state.length === 0 &&
    !state.errored &&
    state.buffered.length === 0 &&
    !state.finished &&
    !state.writing &&
    !state.errorEmitted &&
    !state.closeEmitted
  );
}

function onFinish(stream, state, err) {
  if (state.prefinished) {
    errorOrDestroy(stream, err || streamError('ERR_MULTIPLE_CALLBACK', 'Callback called multiple times'));
    return;
  }
  state.pendingcb--;
  if (err) {
    callFinishedCallbacks(state, err);
    errorOrDestroy(stream, err, state.sync);
  } else if (needFinish(state)) {
    state.prefinished = true;
    stream.emit('prefinish');
    state.pendingcb++;
    nextTick(finish, stream, state);
  }
}

function prefinish(stream, state) {
  if (state.prefinished || state.finalCalled) return;
  if (typeof stream._final === 'function' && !state.destroyed) {
    state.finalCalled = true;
    state.sync = true;
    state.pendingcb++;
    try {
      stream._final((err) => onFinish(stream, state, err));
    } catch (err) {
      onFinish(stream, state, err);
    }
    state.sync = false;
  } else {
    state.finalCalled = true;
    state.prefinished = true;
    stream.emit('prefinish');
  }
}

function finishMaybe(stream, state, sync) {
  if (needFinish(state)) {
    prefinish(stream, state);
    if (state.pendingcb === 0) {
      if (sync) {
        state.pendingcb++;
        nextTick(() => {
          if (needFinish(state)) finish(stream, state);
          else state.pendingcb--;
        });
      } else if (needFinish(state)) {
        state.pendingcb++;
        finish(stream, state);
      }
    }
  }
}

function finish(stream, state) {
  state.pendingcb--;
  state.finished = true;
  callFinishedCallbacks(state, null);
  stream.emit('finish');
  if (state.autoDestroy) {
    const r = stream._readableState;
    const auto = !r || (r.autoDestroy && (r.endEmitted || r.readable === false));
    if (auto) stream.destroy();
  }
}

function callFinishedCallbacks(state, err) {
  if (!state.onFinished.length) return;
  const list = state.onFinished;
  state.onFinished = [];
  for (const cb of list) cb(err);
}

Object.defineProperty(WP, 'writable', {
  configurable: true,
  get() {
    const w = this._writableState;
    return !!w && w.writable !== false && !w.destroyed && !w.errored && !w.ending && !w.ended;
  },
  set(v) {
    if (this._writableState) this._writableState.writable = !!v;
  },
});
Object.defineProperty(WP, 'destroyed', {
  configurable: true,
  get() {
    return this._writableState ? this._writableState.destroyed : false;
  },
  set(v) {
    if (this._writableState) this._writableState.destroyed = v;
  },
});
const writableGetters = {
  writableFinished() {
    return this._writableState ? this._writableState.finished : false;
  },
  writableObjectMode() {
    return this._writableState ? this._writableState.objectMode : false;
  },
  writableBuffer() {
    return this._writableState && this._writableState.buffered.map((b) => b.chunk);
  },
  writableEnded() {
    return this._writableState ? this._writableState.ending : false;
  },
  writableNeedDrain() {
    const w = this._writableState;
    return w ? !w.destroyed && !w.ending && w.needDrain : false;
  },
  writableHighWaterMark() {
    return this._writableState && this._writableState.highWaterMark;
  },
  writableCorked() {
    return this._writableState ? this._writableState.corked : 0;
  },
  writableLength() {
    return this._writableState && this._writableState.length;
  },
  writableAborted() {
    const w = this._writableState;
    return !!(w.writable !== false && (w.destroyed || w.errored) && !w.finished);
  },
};
defineGetters(WP, {
  ...writableGetters,
  closed() {
    return this._writableState ? this._writableState.closed : false;
  },
  errored() {
    return this._writableState ? this._writableState.errored : null;
  },
});

// ---- construct and abort signals ----------------------------------------------------------

const kConstruct = Symbol('kConstruct');
function construct(stream) {
  const r = stream._readableState;
  const w = stream._writableState;
  if (r) r.constructed = false;
  if (w) w.constructed = false;
  nextTick(() => {
    let called = false;
    const onConstruct = (err) => {
      if (called) return;
      called = true;
      if (r) r.constructed = true;
      if (w) w.constructed = true;
      if ((w || r).destroyed) {
        stream.emit(kConstruct, err);
      } else if (err) {
        errorOrDestroy(stream, err, true);
      } else {
        if (r && r.needReadable) maybeReadMore(stream, r);
        if (w) {
          if (w.buffered.length) clearBuffer(stream, w);
          finishMaybe(stream, w, false);
        }
      }
    };
    try {
      stream._construct((err) => nextTick(onConstruct, err));
    } catch (err) {
      nextTick(onConstruct, err);
    }
  });
}

function addAbortSignal(signal, stream) {
  const onAbort = () => stream.destroy(abortError(signal.reason));
  if (signal.aborted) onAbort();
  else {
    signal.addEventListener('abort', onAbort);
    eos(stream, () => signal.removeEventListener('abort', onAbort));
  }
  return stream;
}

// ---- Duplex, Transform, PassThrough -------------------------------------------------------

function Duplex(options) {
  if (!(this instanceof Duplex)) return new Duplex(options);
  this._readableState = new ReadableState(options, this, true);
  this._writableState = new WritableState(options, this, true);
  if (options) {
    this.allowHalfOpen = options.allowHalfOpen !== false;
    if (options.readable === false) {
      this._readableState.readable = false;
      this._readableState.ended = true;
      this._readableState.endEmitted = true;
    }
    if (options.writable === false) {
      this._writableState.writable = false;
      this._writableState.ending = true;
      this._writableState.ended = true;
      this._writableState.finished = true;
    }
    for (const k of ['read', 'write', 'writev', 'destroy', 'final', 'construct']) {
      if (typeof options[k] === 'function') this[`_${k}`] = options[k];
    }
    if (options.signal) addAbortSignal(options.signal, this);
  } else {
    this.allowHalfOpen = true;
  }
  Stream.call(this, options);
  if (typeof this._construct === 'function') construct(this);
}
Object.setPrototypeOf(Duplex.prototype, Readable.prototype);
Object.setPrototypeOf(Duplex, Readable);
const DP = Duplex.prototype;
for (const key of Object.getOwnPropertyNames(WP)) {
  if (key === 'constructor' || key === 'destroy' || key === 'destroyed' || key === 'closed' || key === 'errored') continue;
  if (!Object.prototype.hasOwnProperty.call(DP, key)) {
    Object.defineProperty(DP, key, Object.getOwnPropertyDescriptor(WP, key));
  }
}
DP.destroy = WP.destroy;
Object.defineProperty(DP, 'writable', Object.getOwnPropertyDescriptor(WP, 'writable'));
Object.defineProperty(DP, 'destroyed', {
  configurable: true,
  get() {
    if (this._readableState === undefined || this._writableState === undefined) return false;
    return this._readableState.destroyed && this._writableState.destroyed;
  },
  set(v) {
    if (this._readableState && this._writableState) {
      this._readableState.destroyed = v;
      this._writableState.destroyed = v;
    }
  },
});

const kCallback = Symbol('kCallback');
function Transform(options) {
  if (!(this instanceof Transform)) return new Transform(options);
  Duplex.call(this, options);
  this._readableState.sync = false;
  this[kCallback] = null;
  if (options) {
    if (typeof options.transform === 'function') this._transform = options.transform;
    if (typeof options.flush === 'function') this._flush = options.flush;
  }
  this.on('prefinish', transformPrefinish);
}
Object.setPrototypeOf(Transform.prototype, Duplex.prototype);
Object.setPrototypeOf(Transform, Duplex);

function transformFinal(cb) {
  if (typeof this._flush === 'function' && !this.destroyed) {
    this._flush((er, data) => {
      if (er) {
        if (cb) cb(er);
        else this.destroy(er);
        return;
      }
      if (data != null) this.push(data);
      this.push(null);
      if (cb) cb();
    });
  } else {
    this.push(null);
    if (cb) cb();
  }
}
function transformPrefinish() {
  if (this._final !== transformFinal) transformFinal.call(this);
}
Transform.prototype._final = transformFinal;
Transform.prototype._transform = function () {
  throw streamError('ERR_METHOD_NOT_IMPLEMENTED', 'The _transform() method is not implemented');
};
Transform.prototype._write = function (chunk, encoding, callback) {
  const rState = this._readableState;
  const wState = this._writableState;
  const length = rState.length;
  this._transform(chunk, encoding, (err, val) => {
    if (err) {
      callback(err);
      return;
    }
    if (val != null) this.push(val);
    if (rState.ended) {
      nextTick(callback);
    } else if (wState.ended || length === rState.length || rState.length < rState.highWaterMark) {
      callback();
    } else {
      this[kCallback] = callback;
    }
  });
};
Transform.prototype._read = function () {
  if (this[kCallback]) {
    const callback = this[kCallback];
    this[kCallback] = null;
    callback();
  }
};

function PassThrough(options) {
  if (!(this instanceof PassThrough)) return new PassThrough(options);
  Transform.call(this, options);
}
Object.setPrototypeOf(PassThrough.prototype, Transform.prototype);
Object.setPrototypeOf(PassThrough, Transform);
PassThrough.prototype._transform = function (chunk, encoding, cb) {
  cb(null, chunk);
};

// ---- stream facts (utils) -----------------------------------------------------------------

function isReadableNodeStream(obj, strict = false) {
  return !!(
    obj &&
    typeof obj.pipe === 'function' &&
    typeof obj.on === 'function' &&
    (!strict || (typeof obj.pause === 'function' && typeof obj.resume === 'function')) &&
    (!obj._writableState || (obj._readableState && obj._readableState.readable !== false)) &&
    (!obj._writableState || obj._readableState)
  );
}
function isWritableNodeStream(obj) {
  return !!(
    obj &&
    typeof obj.write === 'function' &&
    typeof obj.on === 'function' &&
    (!obj._readableState || (obj._writableState && obj._writableState.writable !== false))
  );
}
function isNodeStream(obj) {
  return !!(
    obj &&
    (obj._readableState ||
      obj._writableState ||
      (typeof obj.write === 'function' && typeof obj.on === 'function') ||
      (typeof obj.pipe === 'function' && typeof obj.on === 'function'))
  );
}
function isIterable(obj, isAsync) {
  if (obj == null) return false;
  if (isAsync === true) return typeof obj[Symbol.asyncIterator] === 'function';
  if (isAsync === false) return typeof obj[Symbol.iterator] === 'function';
  return typeof obj[Symbol.asyncIterator] === 'function' || typeof obj[Symbol.iterator] === 'function';
}
function isDestroyed(stream) {
  if (!isNodeStream(stream)) return null;
  const w = stream._writableState;
  const r = stream._readableState;
  const state = w || r;
  return !!(stream.destroyed || (state && state.destroyed));
}
function isWritableEnded(stream) {
  const w = stream._writableState;
  if (w && w.errored) return false;
  if (!w || typeof w.ended !== 'boolean') return null;
  return w.ended;
}
function isWritableFinished(stream, strict) {
  const w = stream._writableState;
  if (!w) return null;
  if (w.errored) return false;
  return !!(w.finished || (strict === false && w.ended === true && w.length === 0));
}
function isReadableFinished(stream, strict) {
  const r = stream._readableState;
  if (!r) return null;
  if (r.errored) return false;
  return !!(r.endEmitted || (strict === false && r.ended === true && r.length === 0));
}
function isReadable(stream) {
  if (stream && typeof stream.readable !== 'boolean') return null;
  if (isDestroyed(stream)) return false;
  return isReadableNodeStream(stream) && stream.readable && !isReadableFinished(stream);
}
function isWritable(stream) {
  if (stream && typeof stream.writable !== 'boolean') return null;
  if (isDestroyed(stream)) return false;
  return isWritableNodeStream(stream) && stream.writable && !isWritableEnded(stream);
}
function isFinished(stream, opts) {
  if (!isNodeStream(stream)) return null;
  if (isDestroyed(stream)) return true;
  if ((!opts || opts.readable !== false) && isReadable(stream)) return false;
  if ((!opts || opts.writable !== false) && isWritable(stream)) return false;
  return true;
}
function isClosed(stream) {
  const w = stream._writableState;
  const r = stream._readableState;
  if (typeof (w && w.closed) === 'boolean' || typeof (r && r.closed) === 'boolean') {
    return !!((w && w.closed) || (r && r.closed));
  }
  if (typeof stream.closed === 'boolean') return stream.closed;
  return null;
}
function willEmitClose(stream) {
  if (!isNodeStream(stream)) return null;
  const w = stream._writableState;
  const r = stream._readableState;
  const state = w || r;
  return !!(state && state.autoDestroy && state.emitClose && state.closed === false);
}
function erroredOf(stream) {
  const w = stream._writableState;
  const r = stream._readableState;
  const e = (w && w.errored) || (r && r.errored);
  return e && typeof e !== 'boolean' ? e : null;
}

// ---- finished (end-of-stream) -------------------------------------------------------------

// Node runs the callback inside an async resource (STREAM_END_OF_STREAM) made by the caller
// whenever a store or a hook is active, so it sees the caller's store whoever ends the stream.
function bindToCaller(fn) {
  const resource = new AsyncResource('STREAM_END_OF_STREAM');
  return function (...args) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}

function once(fn) {
  let called = false;
  return function (...args) {
    if (called) return;
    called = true;
    return Reflect.apply(fn, this, args);
  };
}

function closeError(stream, readable, readableFinished, writable, writableFinished) {
  const errored = erroredOf(stream);
  if (errored) return errored;
  if (readable && !readableFinished && isReadableNodeStream(stream, true) && !isReadableFinished(stream, false)) {
    return prematureClose();
  }
  if (writable && !writableFinished && !isWritableFinished(stream, false)) return prematureClose();
  return null;
}

const kSyncCallback = Symbol('kEosSyncCallback');

function eos(stream, options, callback) {
  if (arguments.length === 2) {
    callback = options;
    options = {};
  } else if (options == null) {
    options = {};
  }
  validateFunction(callback, 'callback');
  if (!isNodeStream(stream)) {
    throw codes.ERR_INVALID_ARG_TYPE('stream', 'an instance of ReadableStream, WritableStream, or Stream', stream);
  }
  const readable = options.readable ?? isReadableNodeStream(stream);
  const writable = options.writable ?? isWritableNodeStream(stream);
  let emitsClose =
    willEmitClose(stream) &&
    isReadableNodeStream(stream) === readable &&
    isWritableNodeStream(stream) === writable;
  let writableFinished = isWritableFinished(stream, false);
  let readableFinished = isReadableFinished(stream, false);
  const w = stream._writableState;
  const r = stream._readableState;

  let immediate; // undefined: wait for events; null or an error: settled already
  if (isClosed(stream)) {
    immediate = closeError(stream, readable, readableFinished, writable, writableFinished);
  } else if ((w && w.errorEmitted) || (r && r.errorEmitted)) {
    if (!emitsClose) immediate = erroredOf(stream);
  } else if (
    !readable &&
    (!emitsClose || isReadable(stream)) &&
    (writableFinished || isWritable(stream) === false) &&
    (w == null || w.pendingcb === undefined || w.pendingcb === 0)
  ) {
    immediate = erroredOf(stream);
  } else if (!writable && (!emitsClose || isWritable(stream)) && (readableFinished || isReadable(stream) === false)) {
    immediate = erroredOf(stream);
  }
  let cleanup = () => {
    callback = nop;
  };
  if (immediate !== undefined) {
    if (options.error !== false) {
      stream.on('error', nop);
      cleanup = () => {
        callback = nop;
        stream.removeListener('error', nop);
      };
    }
  } else if (options.signal && options.signal.aborted) {
    immediate = abortError(options.signal.reason);
  }
  if (immediate !== undefined && options[kSyncCallback]) {
    Reflect.apply(callback, stream, immediate === null ? [] : [immediate]);
    return cleanup;
  }
  if (AsyncContextFrame.current() || ah.initHooksExist()) callback = bindToCaller(callback);
  if (immediate !== undefined) {
    const cb = callback;
    nextTick(() => Reflect.apply(cb, stream, immediate === null ? [] : [immediate]));
    return cleanup;
  }
  callback = once(callback);
  const call = (...args) => Reflect.apply(callback, stream, args);
  const onfinish = () => {
    writableFinished = true;
    if (stream.destroyed) emitsClose = false;
    if (emitsClose && (!stream.readable || readable)) return;
    if (!readable || readableFinished) call();
  };
  const onend = () => {
    readableFinished = true;
    if (stream.destroyed) emitsClose = false;
    if (emitsClose && (!stream.writable || writable)) return;
    if (!writable || writableFinished) call();
  };
  const onerror = (err) => call(err);
  const onclose = () => {
    const error = closeError(stream, readable, readableFinished, writable, writableFinished);
    if (error === null) call();
    else call(error);
  };
  stream.on('end', onend);
  stream.on('finish', onfinish);
  if (options.error !== false) stream.on('error', onerror);
  stream.on('close', onclose);
  cleanup = () => {
    callback = nop;
    stream.removeListener('finish', onfinish);
    stream.removeListener('end', onend);
    stream.removeListener('error', onerror);
    stream.removeListener('close', onclose);
  };
  if (options.signal) {
    const signal = options.signal;
    const abort = () => {
      const endCallback = callback;
      cleanup();
      Reflect.apply(endCallback, stream, [abortError(signal.reason)]);
    };
    signal.addEventListener('abort', abort);
    const original = callback;
    callback = once((...args) => {
      signal.removeEventListener('abort', abort);
      Reflect.apply(original, stream, args);
    });
  }
  return cleanup;
}

function finishedPromise(stream, opts) {
  let autoCleanup = false;
  if (opts && opts.cleanup) autoCleanup = !!opts.cleanup;
  return new Promise((resolve, reject) => {
    const cleanup = eos(stream, opts, (err) => {
      if (autoCleanup) cleanup();
      if (err) reject(err);
      else resolve();
    });
  });
}

// ---- pipeline -----------------------------------------------------------------------------

function pipelineDestroyer(stream, reading, writing) {
  let finished = false;
  stream.on('close', () => {
    finished = true;
  });
  const cleanup = eos(stream, { readable: reading, writable: writing }, (err) => {
    finished = !err;
  });
  return {
    destroy: (err) => {
      if (finished) return;
      finished = true;
      destroyer(stream, err || streamError('ERR_STREAM_DESTROYED', 'Cannot call pipe after a stream was destroyed'));
    },
    cleanup,
  };
}

function makeAsyncIterable(val) {
  if (isIterable(val)) return val;
  if (isReadableNodeStream(val)) return fromReadable(val);
  throw codes.ERR_INVALID_ARG_TYPE('val', 'an instance of Readable, Iterable, or AsyncIterable', val);
}
async function* fromReadable(val) {
  yield* RP[Symbol.asyncIterator].call(val);
}

async function pumpToNode(iterable, writable, finish, { end }) {
  let error;
  let onresolve = null;
  const resume = (err) => {
    if (err) error = err;
    if (onresolve) {
      const cb = onresolve;
      onresolve = null;
      cb();
    }
  };
  const wait = () =>
    new Promise((resolve, reject) => {
      if (error) reject(error);
      else {
        onresolve = () => {
          if (error) reject(error);
          else resolve();
        };
      }
    });
  writable.on('drain', resume);
  const cleanup = eos(writable, { readable: false }, resume);
  try {
    if (writable.writableNeedDrain) await wait();
    for await (const chunk of iterable) {
      if (!writable.write(chunk)) await wait();
    }
    if (end) {
      writable.end();
      await wait();
    }
    finish();
  } catch (err) {
    finish(error !== err ? error || err : err);
  } finally {
    cleanup();
    writable.off('drain', resume);
  }
}

function pipeline(...streams) {
  const last = streams.pop();
  validateFunction(last, 'streams[stream.length - 1]');
  return pipelineImpl(streams, once(last));
}

function pipelineImpl(streams, callback, opts) {
  if (streams.length === 1 && Array.isArray(streams[0])) streams = streams[0];
  if (streams.length < 2) throw streamError('ERR_MISSING_ARGS', 'The "streams" argument must be specified', TypeError);
  const ac = new (internal.need('web', 'internal/web.js').AbortController)();
  const signal = ac.signal;
  const outerSignal = opts && opts.signal;
  const lastStreamCleanup = [];
  function abort() {
    finishImpl(abortError(outerSignal && outerSignal.reason));
  }
  if (outerSignal) outerSignal.addEventListener('abort', abort);
  let error;
  let value;
  const destroys = [];
  let finishCount = 0;
  function finish(err) {
    finishImpl(err, --finishCount === 0);
  }
  function finishOnlyHandleError(err) {
    finishImpl(err, false);
  }
  function finishImpl(err, final) {
    if (err && (!error || error.code === 'ERR_STREAM_PREMATURE_CLOSE' || error.name === 'AbortError')) error = err;
    if (!error && !final) return;
    while (destroys.length) destroys.shift()(error);
    if (outerSignal) outerSignal.removeEventListener('abort', abort);
    ac.abort();
    if (final) {
      if (!error) lastStreamCleanup.forEach((fn) => fn());
      nextTick(callback, error, value);
    }
  }
  let ret;
  for (let i = 0; i < streams.length; i++) {
    const stream = streams[i];
    const reading = i < streams.length - 1;
    const writing = i > 0;
    const end = reading || !opts || opts.end !== false;
    const isLastStream = i === streams.length - 1;
    if (isNodeStream(stream)) {
      if (end) {
        const { destroy: d, cleanup } = pipelineDestroyer(stream, reading, writing);
        destroys.push(d);
        if (isReadable(stream) && isLastStream) lastStreamCleanup.push(cleanup);
      }
      const onError = (err) => {
        if (err && err.name !== 'AbortError' && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') finishOnlyHandleError(err);
      };
      stream.on('error', onError);
      if (isReadable(stream) && isLastStream) lastStreamCleanup.push(() => stream.removeListener('error', onError));
    }
    if (i === 0) {
      if (typeof stream === 'function') {
        ret = stream({ signal });
        if (!isIterable(ret)) throw streamError('ERR_INVALID_RETURN_VALUE', 'Expected Iterable, AsyncIterable or Stream to be returned from the "source" function.', TypeError);
      } else {
        ret = stream;
      }
    } else if (typeof stream === 'function') {
      ret = makeAsyncIterable(ret);
      ret = stream(ret, { signal });
      if (reading) {
        if (!isIterable(ret, true)) throw streamError('ERR_INVALID_RETURN_VALUE', `Expected AsyncIterable to be returned from the "transform[${i - 1}]" function.`, TypeError);
      } else {
        const pt = new PassThrough({ objectMode: true });
        const then = ret && ret.then;
        if (typeof then === 'function') {
          finishCount++;
          then.call(
            ret,
            (val) => {
              value = val;
              if (val != null) pt.write(val);
              if (end) pt.end();
              nextTick(finish);
            },
            (err) => {
              pt.destroy(err);
              nextTick(finish, err);
            },
          );
        } else if (isIterable(ret, true)) {
          finishCount++;
          pumpToNode(ret, pt, finish, { end });
        } else {
          throw streamError('ERR_INVALID_RETURN_VALUE', 'Expected AsyncIterable or Promise to be returned from the "destination" function.', TypeError);
        }
        ret = pt;
        const { destroy: d, cleanup } = pipelineDestroyer(ret, false, true);
        destroys.push(d);
        if (isLastStream) lastStreamCleanup.push(cleanup);
      }
    } else if (isNodeStream(stream)) {
      if (isReadableNodeStream(ret)) {
        finishCount += 2;
        const cleanup = pipeInto(ret, stream, finish, finishOnlyHandleError, { end });
        if (isReadable(stream) && isLastStream) lastStreamCleanup.push(cleanup);
      } else if (isIterable(ret)) {
        finishCount++;
        pumpToNode(ret, stream, finish, { end });
      } else {
        throw codes.ERR_INVALID_ARG_TYPE('val', 'an instance of Readable, Iterable, or AsyncIterable', ret);
      }
      ret = stream;
    } else {
      throw codes.ERR_INVALID_ARG_TYPE('val', 'an instance of Stream', stream);
    }
  }
  if (signal.aborted || (outerSignal && outerSignal.aborted)) nextTick(abort);
  return ret;
}

function pipeInto(src, dst, finish, finishOnlyHandleError, { end }) {
  let ended = false;
  dst.on('close', () => {
    if (!ended) finishOnlyHandleError(prematureClose());
  });
  src.pipe(dst, { end: false });
  if (end) {
    const endFn = () => {
      ended = true;
      dst.end();
    };
    if (isReadableFinished(src)) nextTick(endFn);
    else src.once('end', endFn);
  } else {
    finish();
  }
  eos(src, { readable: true, writable: false }, (err) => {
    const r = src._readableState;
    if (err && err.code === 'ERR_STREAM_PREMATURE_CLOSE' && r && r.ended && !r.errored && !r.errorEmitted) {
      src.once('end', finish).once('error', finish);
    } else {
      finish(err);
    }
  });
  return eos(dst, { readable: false, writable: true }, finish);
}

function pipelinePromise(...streams) {
  return new Promise((resolve, reject) => {
    let signal;
    let end;
    const lastArg = streams[streams.length - 1];
    if (lastArg && typeof lastArg === 'object' && !isNodeStream(lastArg) && !isIterable(lastArg)) {
      const options = streams.pop();
      signal = options.signal;
      end = options.end;
    }
    let lastStream = streams[streams.length - 1];
    if (streams.length === 1 && Array.isArray(streams[0])) lastStream = streams[0][streams[0].length - 1];
    const stream = pipelineImpl(
      streams,
      (err, value) => {
        if (err) reject(err);
        else resolve(value);
      },
      { signal, end },
    );
    if (typeof lastStream === 'function' && stream.readable) stream.resume();
  });
}

// ---- the modules --------------------------------------------------------------------------

const promises = { pipeline: pipelinePromise, finished: finishedPromise };

Stream.Stream = Stream;
Stream.Readable = Readable;
Stream.Writable = Writable;
Stream.Duplex = Duplex;
Stream.Transform = Transform;
Stream.PassThrough = PassThrough;
Stream.pipeline = pipeline;
Stream.finished = eos;
Stream.addAbortSignal = addAbortSignal;
Stream.destroy = destroyer;
Stream.isReadable = isReadable;
Stream.isErrored = (s) => !!erroredOf(s);
Stream.isDisturbed = (s) => !!(s && s._readableState && (s._readableState.dataEmitted || s._readableState.endEmitted));
Stream.getDefaultHighWaterMark = defaultHwm;
Object.defineProperty(Stream, 'promises', { enumerable: true, configurable: true, get: () => promises });
Object.defineProperty(pipeline, Symbol.for('nodejs.util.promisify.custom'), { enumerable: true, get: () => pipelinePromise });
Object.defineProperty(eos, Symbol.for('nodejs.util.promisify.custom'), { enumerable: true, get: () => finishedPromise });

internal.stream = { module: Stream, promises, Readable, Writable, Duplex, Transform, PassThrough, eos };
