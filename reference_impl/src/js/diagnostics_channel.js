// On demand: node:diagnostics_channel as Node 26 has it (spec/web-and-language.md, DC-*).
//
// Everything here is synchronous JavaScript over AsyncLocalStorage: a channel is inactive until
// something subscribes or binds a store; publish() calls subscribers in the publisher's own
// context; runStores()/withStoreScope() first enter every bound store (in the order the stores
// were bound, each with the value its transform returns) through als.withScope(), then publish,
// and leave the stores again in reverse order when the scope is disposed. Tracing channels are
// a pair of bounded channels (start/end around the call, asyncStart/asyncEnd around the
// continuation) plus an error channel. No async resource is made anywhere.

const loop = internal.loop;
const { codes, validateFunction } = internal.errors;

// An error thrown by a subscriber or a transform does not stop the publish: it is reported as
// an uncaught exception from a tick queued in the publisher's context.
function reportLater(err) {
  loop.nextTick(() => {
    loop.triggerUncaughtException(err, false);
  });
}

// ---- scopes -------------------------------------------------------------------------------

class StoresScope {
  #scopes = [];

  constructor(channel, data) {
    if (channel._stores !== undefined) {
      for (const [store, transform] of channel._stores) {
        let value = data;
        if (transform) {
          try {
            value = transform(data);
          } catch (err) {
            reportLater(err);
            continue;
          }
        }
        this.#scopes.push(store.withScope(value));
      }
    }
    channel.publish(data);
  }

  [Symbol.dispose]() {
    const scopes = this.#scopes;
    this.#scopes = [];
    for (let i = scopes.length - 1; i >= 0; i--) scopes[i][Symbol.dispose]();
  }
}

const noScope = Object.freeze({ [Symbol.dispose]() {} });

// ---- channels -----------------------------------------------------------------------------

// A channel with no subscriber and no bound store has the Channel prototype (every operation a
// no-op); the first subscribe()/bindStore() switches it to ActiveChannel, and the last
// unsubscribe()/unbindStore() switches it back.
function activate(channel) {
  Object.setPrototypeOf(channel, ActiveChannel.prototype);
  channel._subscribers = [];
  channel._stores = new Map();
}

function deactivateIfIdle(channel) {
  if (channel._subscribers.length === 0 && channel._stores.size === 0) {
    Object.setPrototypeOf(channel, Channel.prototype);
    channel._subscribers = undefined;
    channel._stores = undefined;
  }
}

class ActiveChannel {
  subscribe(subscription) {
    validateFunction(subscription, 'subscription');
    // Copy on write: a publish already under way keeps the list it started with.
    this._subscribers = [...this._subscribers, subscription];
  }

  unsubscribe(subscription) {
    const i = this._subscribers.indexOf(subscription);
    if (i === -1) return false;
    this._subscribers = this._subscribers.filter((_, j) => j !== i);
    deactivateIfIdle(this);
    return true;
  }

  bindStore(store, transform) {
    this._stores.set(store, transform);
  }

  unbindStore(store) {
    if (!this._stores.has(store)) return false;
    this._stores.delete(store);
    deactivateIfIdle(this);
    return true;
  }

  get hasSubscribers() {
    return true;
  }

  publish(data) {
    const list = this._subscribers;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](data, this.name);
      } catch (err) {
        reportLater(err);
      }
    }
  }

  withStoreScope(data) {
    return new StoresScope(this, data);
  }

  runStores(data, fn, thisArg, ...args) {
    const scope = this.withStoreScope(data);
    try {
      return Reflect.apply(fn, thisArg, args);
    } finally {
      scope[Symbol.dispose]();
    }
  }
}

const channels = new Map();

class Channel {
  constructor(name) {
    this._subscribers = undefined;
    this._stores = undefined;
    this.name = name;
    channels.set(name, this);
  }

  static [Symbol.hasInstance](value) {
    const proto = Object.getPrototypeOf(value);
    return proto === Channel.prototype || proto === ActiveChannel.prototype;
  }

  subscribe(subscription) {
    activate(this);
    this.subscribe(subscription);
  }

  unsubscribe() {
    return false;
  }

  bindStore(store, transform) {
    activate(this);
    this.bindStore(store, transform);
  }

  unbindStore() {
    return false;
  }

  get hasSubscribers() {
    return false;
  }

  publish() {}

  withStoreScope() {
    return noScope;
  }

  runStores(data, fn, thisArg, ...args) {
    return Reflect.apply(fn, thisArg, args);
  }
}

function channel(name) {
  const known = channels.get(name);
  if (known !== undefined) return known;
  if (typeof name !== 'string' && typeof name !== 'symbol') {
    throw codes.ERR_INVALID_ARG_TYPE('channel', 'of type string or symbol', name);
  }
  return new Channel(name);
}

function subscribe(name, subscription) {
  return channel(name).subscribe(subscription);
}

function unsubscribe(name, subscription) {
  return channel(name).unsubscribe(subscription);
}

function hasSubscribers(name) {
  const c = channels.get(name);
  return c === undefined ? false : c.hasSubscribers;
}

// ---- bounded and tracing channels ---------------------------------------------------------

function pick(nameOrChannels, event, className) {
  if (typeof nameOrChannels === 'string') return channel(`tracing:${nameOrChannels}:${event}`);
  if (typeof nameOrChannels === 'object' && nameOrChannels !== null) {
    const c = nameOrChannels[event];
    if (!(c instanceof Channel)) {
      throw codes.ERR_INVALID_ARG_TYPE(`nameOrChannels.${event}`, 'an instance of Channel', c);
    }
    return c;
  }
  throw codes.ERR_INVALID_ARG_TYPE('nameOrChannels', `of type string or an instance of ${className}`, nameOrChannels);
}

// start is published (inside start's stores) when the scope opens; end when it is disposed,
// still inside them; then the stores are left.
class BoundedScope {
  #end;
  #context;
  #inner;

  constructor(bounded, context) {
    if (!bounded.hasSubscribers) return;
    this.#end = bounded.end;
    this.#context = context;
    this.#inner = new StoresScope(bounded.start, context);
  }

  [Symbol.dispose]() {
    if (this.#inner === undefined) return;
    this.#end.publish(this.#context);
    const inner = this.#inner;
    this.#inner = undefined;
    inner[Symbol.dispose]();
  }
}

class BoundedChannel {
  constructor(nameOrChannels) {
    for (const event of ['start', 'end']) {
      Object.defineProperty(this, event, { value: pick(nameOrChannels, event, 'BoundedChannel') });
    }
  }

  get hasSubscribers() {
    return this.start.hasSubscribers || this.end.hasSubscribers;
  }

  subscribe(handlers) {
    for (const event of ['start', 'end']) {
      if (handlers[event]) this[event].subscribe(handlers[event]);
    }
  }

  unsubscribe(handlers) {
    let all = true;
    for (const event of ['start', 'end']) {
      if (handlers[event] && !this[event].unsubscribe(handlers[event])) all = false;
    }
    return all;
  }

  withScope(context = {}) {
    return new BoundedScope(this, context);
  }

  run(context, fn, thisArg, ...args) {
    if (context === undefined || context === null) context = {};
    const scope = this.withScope(context);
    try {
      return Reflect.apply(fn, thisArg, args);
    } finally {
      scope[Symbol.dispose]();
    }
  }
}

function boundedChannel(nameOrChannels) {
  return new BoundedChannel(nameOrChannels);
}

const emptyContext = Object.freeze({});

function warnNonThenable(fn) {
  internal.process.emitWarning(
    `tracePromise was called with the function '${fn.name || '<anonymous>'}', which returned a non-thenable.`,
  );
}

class TracingChannel {
  #call;
  #continuation;

  constructor(nameOrChannels) {
    if (typeof nameOrChannels === 'string') {
      this.#call = new BoundedChannel(nameOrChannels);
      this.#continuation = new BoundedChannel({
        start: channel(`tracing:${nameOrChannels}:asyncStart`),
        end: channel(`tracing:${nameOrChannels}:asyncEnd`),
      });
    } else if (typeof nameOrChannels === 'object' && nameOrChannels !== null) {
      this.#call = new BoundedChannel({ start: nameOrChannels.start, end: nameOrChannels.end });
      this.#continuation = new BoundedChannel({
        start: nameOrChannels.asyncStart,
        end: nameOrChannels.asyncEnd,
      });
    }
    Object.defineProperty(this, 'error', { value: pick(nameOrChannels, 'error', 'TracingChannel') });
  }

  get start() {
    return this.#call.start;
  }

  get end() {
    return this.#call.end;
  }

  get asyncStart() {
    return this.#continuation.start;
  }

  get asyncEnd() {
    return this.#continuation.end;
  }

  get hasSubscribers() {
    return this.#call.hasSubscribers || this.#continuation.hasSubscribers || this.error.hasSubscribers;
  }

  subscribe(handlers) {
    if (handlers.start || handlers.end) this.#call.subscribe({ start: handlers.start, end: handlers.end });
    if (handlers.asyncStart || handlers.asyncEnd) {
      this.#continuation.subscribe({ start: handlers.asyncStart, end: handlers.asyncEnd });
    }
    if (handlers.error) this.error.subscribe(handlers.error);
  }

  unsubscribe(handlers) {
    let all = true;
    if ((handlers.start || handlers.end) &&
        !this.#call.unsubscribe({ start: handlers.start, end: handlers.end })) all = false;
    if ((handlers.asyncStart || handlers.asyncEnd) &&
        !this.#continuation.unsubscribe({ start: handlers.asyncStart, end: handlers.asyncEnd })) all = false;
    if (handlers.error && !this.error.unsubscribe(handlers.error)) all = false;
    return all;
  }

  traceSync(fn, context = { __proto__: null }, thisArg, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const scope = this.#call.withScope(context);
    try {
      const result = Reflect.apply(fn, thisArg, args);
      context.result = result;
      return result;
    } catch (err) {
      context.error = err;
      this.error.publish(context);
      throw err;
    } finally {
      scope[Symbol.dispose]();
    }
  }

  tracePromise(fn, context = { __proto__: null }, thisArg, ...args) {
    if (!this.hasSubscribers) {
      const result = Reflect.apply(fn, thisArg, args);
      if (typeof result?.then !== 'function') warnNonThenable(fn);
      return result;
    }
    const errorChannel = this.error;
    const continuation = this.#continuation;
    // asyncStart and asyncEnd are both published when the traced promise settles, in the
    // context of the reaction (the call's), before whoever awaits the result continues.
    const onReject = (err) => {
      context.error = err;
      errorChannel.publish(context);
      continuation.withScope(context)[Symbol.dispose]();
    };
    const onResolve = (result) => {
      context.result = result;
      continuation.withScope(context)[Symbol.dispose]();
      return result;
    };
    const scope = this.#call.withScope(context);
    try {
      const result = Reflect.apply(fn, thisArg, args);
      if (typeof result?.then !== 'function') {
        warnNonThenable(fn);
        context.result = result;
        return result;
      }
      if (result instanceof Promise && Object.getPrototypeOf(result) === Promise.prototype) {
        return Promise.prototype.then.call(result, onResolve, (err) => {
          onReject(err);
          throw err;
        });
      }
      // Another thenable: observed, and handed back as it is.
      result.then(onResolve, onReject);
      return result;
    } catch (err) {
      context.error = err;
      errorChannel.publish(context);
      throw err;
    } finally {
      scope[Symbol.dispose]();
    }
  }

  traceCallback(fn, position = -1, context = emptyContext, thisArg, ...args) {
    if (!this.hasSubscribers) return Reflect.apply(fn, thisArg, args);
    const errorChannel = this.error;
    const continuation = this.#continuation;
    const callback = args.at(position);
    validateFunction(callback, 'callback');
    function wrappedCallback(err, res) {
      if (err) {
        context.error = err;
        errorChannel.publish(context);
      } else {
        context.result = res;
      }
      const scope = continuation.withScope(context);
      try {
        return Reflect.apply(callback, this, arguments);
      } finally {
        scope[Symbol.dispose]();
      }
    }
    args.splice(position, 1, wrappedCallback);
    const scope = this.#call.withScope(context);
    try {
      return Reflect.apply(fn, thisArg, args);
    } catch (err) {
      context.error = err;
      errorChannel.publish(context);
      throw err;
    } finally {
      scope[Symbol.dispose]();
    }
  }
}

function tracingChannel(nameOrChannels) {
  return new TracingChannel(nameOrChannels);
}

internal.diagnosticsChannel = {
  module: {
    channel,
    hasSubscribers,
    subscribe,
    tracingChannel,
    unsubscribe,
    boundedChannel,
    Channel,
    BoundedChannel,
  },
};
