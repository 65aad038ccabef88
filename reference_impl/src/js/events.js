// node:events: EventEmitter (listeners run synchronously, in the emitter's caller's context)
// and EventEmitterAsyncResource (listeners run in the context the emitter was created in).

const { codes, validateFunction, validateString } = internal.errors;
const { AsyncResource } = internal.asyncHooks;

const kEvents = Symbol('kEvents');
let defaultMaxListeners = 10;

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
  if (opts && opts.captureRejections) this._captureRejections = true;
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
proto.once = function once(type, listener) {
  return addListener(this, type, listener, false, true);
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
  for (const l of list.slice()) Reflect.apply(l, this, args);
  return true;
};
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
        validateString(options && options.name, 'options.name');
      }
      name = (options && options.name) || new.target.name;
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

function once(emitter, name) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      emitter.removeListener(name, onEvent);
      reject(err);
    };
    const onEvent = (...args) => {
      if (name !== 'error') emitter.removeListener('error', onError);
      resolve(args);
    };
    emitter.once(name, onEvent);
    if (name !== 'error') emitter.once('error', onError);
  });
}

EventEmitter.EventEmitter = EventEmitter;
EventEmitter.EventEmitterAsyncResource = EventEmitterAsyncResource;
EventEmitter.once = once;
EventEmitter.errorMonitor = Symbol('events.errorMonitor');

internal.events = { EventEmitter, EventEmitterAsyncResource };
