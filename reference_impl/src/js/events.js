// node:events: EventEmitter (listeners run synchronously, in the emitter's caller's context)
// and EventEmitterAsyncResource (listeners run in the context the emitter was created in).

const { codes, validateFunction, validateString } = internal.errors;
const { AsyncResource } = internal.asyncHooks;

const kEvents = Symbol('kEvents');
let defaultMaxListeners = 10;
let captureRejectionsDefault = false;

function events(ee) {
  if (!Object.prototype.hasOwnProperty.call(ee, kEvents) || ee[kEvents] === undefined) {
    Object.defineProperty(ee, kEvents, { value: new Map(), writable: true, configurable: true });
  }
  return ee[kEvents];
}

function addListener(ee, type, listener, prepend, once) {
  validateFunction(listener, 'listener');
  const map = events(ee);
  if (map.has('newListener')) {
    ee.emit('newListener', type, listener.listener ? listener.listener : listener);
  }
  const list = map.get(type) || [];
  const entry = once ? onceWrapper(ee, type, listener) : listener;
  map.set(type, prepend ? [entry, ...list] : [...list, entry]);
  return ee;
}

function onceWrapper(ee, type, listener) {
  const state = { fired: false, ee, type, listener };
  const wrapped = function (...args) {
    if (!state.fired) {
      ee.removeListener(type, wrapped);
      state.fired = true;
      return Reflect.apply(listener, this, args);
    }
  };
  wrapped.listener = listener;
  return wrapped;
}

function EventEmitter(opts) {
  EventEmitter.init.call(this, opts);
}

EventEmitter.init = function (opts) {
  if (!Object.prototype.hasOwnProperty.call(this, kEvents) || this[kEvents] === undefined) {
    Object.defineProperty(this, kEvents, { value: new Map(), writable: true, configurable: true });
  }
  this._maxListeners = this._maxListeners || undefined;
  // As Node: only a truthy value is checked; a falsy one (false included) means the default.
  if (opts && opts.captureRejections) {
    if (typeof opts.captureRejections !== 'boolean') {
      throw codes.ERR_INVALID_ARG_TYPE('options.captureRejections', 'of type boolean', opts.captureRejections);
    }
    this._captureRejections = true;
  } else if (captureRejectionsDefault) {
    this._captureRejections = true;
  }
};

Object.defineProperty(EventEmitter, 'defaultMaxListeners', {
  enumerable: true,
  get() {
    return defaultMaxListeners;
  },
  set(v) {
    defaultMaxListeners = v;
  },
});

const proto = EventEmitter.prototype;
proto._maxListeners = undefined;

proto.on = proto.addListener = function addListenerMethod(type, listener) {
  return addListener(this, type, listener, false, false);
};
proto.prependListener = function prependListener(type, listener) {
  return addListener(this, type, listener, true, false);
};
// Node adds a once-listener through this.on(), so a subclass's on() (streams) sees it.
proto.once = function once(type, listener) {
  validateFunction(listener, 'listener');
  this.on(type, onceWrapper(this, type, listener));
  return this;
};
proto.prependOnceListener = function prependOnceListener(type, listener) {
  return addListener(this, type, listener, true, true);
};
proto.off = proto.removeListener = function removeListener(type, listener) {
  validateFunction(listener, 'listener');
  const map = events(this);
  const list = map.get(type);
  if (!list) return this;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i] === listener || list[i].listener === listener) {
      const next = list.slice();
      next.splice(i, 1);
      if (next.length === 0) map.delete(type);
      else map.set(type, next);
      if (map.has('removeListener')) this.emit('removeListener', type, listener);
      break;
    }
  }
  return this;
};
proto.removeAllListeners = function removeAllListeners(type) {
  const map = events(this);
  if (type === undefined) map.clear();
  else map.delete(type);
  return this;
};
proto.emit = function emit(type, ...args) {
  const map = events(this);
  const list = map.get(type);
  if (type === 'error' && (!list || list.length === 0)) {
    const er = args[0];
    if (er instanceof Error) throw er;
    throw codes.ERR_UNHANDLED_ERROR(er);
  }
  if (!list) return false;
  for (const l of list.slice()) {
    const result = Reflect.apply(l, this, args);
    if (result !== undefined && result !== null && this._captureRejections) addCatch(this, result, type, args);
  }
  return true;
};

// captureRejections: a listener's rejected promise is reported on a later tick, scheduled from
// the promise reaction (so in the store of the emit() that ran the listener).
const kRejection = Symbol.for('nodejs.rejection');
function addCatch(ee, promise, type, args) {
  try {
    const then = promise.then;
    if (typeof then === 'function') {
      then.call(promise, undefined, (err) => {
        internal.loop.nextTick(emitRejectionOrError, ee, err, type, args);
      });
    }
  } catch (err) {
    ee.emit('error', err);
  }
}
function emitRejectionOrError(ee, err, type, args) {
  if (typeof ee[kRejection] === 'function') {
    ee[kRejection](err, type, ...args);
  } else {
    const prev = ee._captureRejections;
    try {
      ee._captureRejections = false;
      ee.emit('error', err);
    } finally {
      ee._captureRejections = prev;
    }
  }
}
proto.listeners = function listeners(type) {
  const list = events(this).get(type) || [];
  return list.map((l) => l.listener || l);
};
proto.rawListeners = function rawListeners(type) {
  return (events(this).get(type) || []).slice();
};
proto.listenerCount = function listenerCount(type) {
  return (events(this).get(type) || []).length;
};
proto.eventNames = function eventNames() {
  return [...events(this).keys()];
};
proto.setMaxListeners = function setMaxListeners(n) {
  this._maxListeners = n;
  return this;
};
proto.getMaxListeners = function getMaxListeners() {
  return this._maxListeners === undefined ? defaultMaxListeners : this._maxListeners;
};

const kAsyncResource = Symbol('kAsyncResource');
const kEventEmitter = Symbol('kEventEmitter');

class EventEmitterReferencingAsyncResource extends AsyncResource {
  constructor(ee, type, options) {
    super(type, options);
    this[kEventEmitter] = ee;
  }
  get eventEmitter() {
    return this[kEventEmitter];
  }
}

class EventEmitterAsyncResource extends EventEmitter {
  constructor(options = undefined) {
    let name;
    if (typeof options === 'string') {
      name = options;
      options = undefined;
    } else {
      if (new.target === EventEmitterAsyncResource) {
        validateString(options == null ? undefined : options.name, 'options.name');
      }
      name = (options == null ? undefined : options.name) || new.target.name;
    }
    super(options);
    this[kAsyncResource] = new EventEmitterReferencingAsyncResource(this, name, options);
  }
  emit(event, ...args) {
    const resource = this.asyncResource;
    args.unshift(super.emit, this, event);
    return Reflect.apply(resource.runInAsyncScope, resource, args);
  }
  emitDestroy() {
    this.asyncResource.emitDestroy();
  }
  get asyncId() {
    return this.asyncResource.asyncId();
  }
  get triggerAsyncId() {
    return this.asyncResource.triggerAsyncId();
  }
  get asyncResource() {
    return this[kAsyncResource];
  }
}

function abortError(signal) {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  e.code = 'ABORT_ERR';
  if (signal && signal.reason !== undefined) e.cause = signal.reason;
  return e;
}

// An async function, as in Node: its promise settles a few microtask turns after the inner one.
async function once(emitter, name, options = {}) {
  const signal = options && options.signal;
  if (signal && signal.aborted) throw abortError(signal);
  return new Promise((resolve, reject) => {
    const errorListener = (err) => {
      emitter.removeListener(name, resolver);
      if (signal) signal.removeEventListener('abort', abortListener);
      reject(err);
    };
    const resolver = (...args) => {
      if (typeof emitter.removeListener === 'function') emitter.removeListener('error', errorListener);
      if (signal) signal.removeEventListener('abort', abortListener);
      resolve(args);
    };
    if (typeof emitter.on === 'function') emitter.once(name, resolver);
    else emitter.addEventListener(name, resolver, { once: true });
    if (name !== 'error' && typeof emitter.once === 'function') emitter.once('error', errorListener);
    function abortListener() {
      removeAgnostic(emitter, name, resolver);
      removeAgnostic(emitter, 'error', errorListener);
      reject(abortError(signal));
    }
    if (signal) signal.addEventListener('abort', abortListener, { once: true });
  });
}

function removeAgnostic(emitter, name, listener) {
  if (typeof emitter.removeListener === 'function') emitter.removeListener(name, listener);
  else emitter.removeEventListener(name, listener);
}

// Internal: events.on() hands the loop the first argument of each event (readline uses it).
const kFirstEventParam = Symbol('kFirstEventParam');

// events.on(): events queue until next() asks; a waiting next() is resolved from the emit.
function on(emitter, event, options = {}) {
  const signal = options.signal;
  if (signal && signal.aborted) throw abortError(signal);
  const high = options.highWaterMark ?? options.highWatermark ?? Number.MAX_SAFE_INTEGER;
  const low = options.lowWaterMark ?? options.lowWatermark ?? 1;
  const events = [];
  const waiting = [];
  let paused = false;
  let error = null;
  let finished = false;
  const added = [];
  const listen = (name, fn) => {
    if (typeof emitter.on === 'function') emitter.on(name, fn);
    else emitter.addEventListener(name, fn);
    added.push([name, fn]);
  };
  const result = (value, done) => ({ done, value });
  const asyncIteratorProto = Object.getPrototypeOf(Object.getPrototypeOf((async function* () {})()));
  const iterator = Object.setPrototypeOf(
    {
      next() {
        if (events.length) {
          const value = events.shift();
          if (paused && events.length < low) {
            emitter.resume();
            paused = false;
          }
          return Promise.resolve(result(value, false));
        }
        if (error) {
          const p = Promise.reject(error);
          error = null;
          return p;
        }
        if (finished) return closeHandler();
        return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      },
      return() {
        return closeHandler();
      },
      throw(err) {
        if (!err || !(err instanceof Error)) {
          throw codes.ERR_INVALID_ARG_TYPE('EventEmitter.AsyncIterator', 'an instance of Error', err);
        }
        errorHandler(err);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    },
    asyncIteratorProto,
  );
  listen(event, options[kFirstEventParam] ? eventHandler : (...args) => eventHandler(args));
  if (event !== 'error' && typeof emitter.on === 'function') listen('error', errorHandler);
  const closeEvents = options.close;
  if (closeEvents && closeEvents.length) for (const name of closeEvents) listen(name, closeHandler);
  if (signal) signal.addEventListener('abort', abortListener, { once: true });
  return iterator;

  function abortListener() {
    errorHandler(abortError(signal));
  }
  function eventHandler(value) {
    if (waiting.length === 0) {
      events.push(value);
      if (!paused && events.length > high) {
        paused = true;
        emitter.pause();
      }
    } else {
      waiting.shift().resolve(result(value, false));
    }
  }
  function errorHandler(err) {
    if (waiting.length === 0) error = err;
    else waiting.shift().reject(err);
    closeHandler();
  }
  function closeHandler() {
    if (signal) signal.removeEventListener('abort', abortListener);
    while (added.length) {
      const [name, fn] = added.pop();
      removeAgnostic(emitter, name, fn);
    }
    finished = true;
    paused = false;
    const done = result(undefined, true);
    while (waiting.length) waiting.shift().resolve(done);
    return Promise.resolve(done);
  }
}

EventEmitter.EventEmitter = EventEmitter;
EventEmitter.EventEmitterAsyncResource = EventEmitterAsyncResource;
EventEmitter.once = once;
EventEmitter.on = on;
EventEmitter.captureRejectionSymbol = kRejection;
Object.defineProperty(EventEmitter, 'captureRejections', {
  enumerable: true,
  get() {
    return captureRejectionsDefault;
  },
  set(v) {
    if (typeof v !== 'boolean') throw codes.ERR_INVALID_ARG_TYPE('EventEmitter.captureRejections', 'of type boolean', v);
    captureRejectionsDefault = v;
  },
});
EventEmitter.errorMonitor = Symbol('events.errorMonitor');

internal.events = { EventEmitter, EventEmitterAsyncResource, kFirstEventParam };
