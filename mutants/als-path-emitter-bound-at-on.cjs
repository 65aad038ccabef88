// mutant: als-path-emitter-bound-at-on
// area: ALS-PATH
// breaks: EventEmitter listeners run in the context where they were added instead of the
//   context of emit()
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { EventEmitter } = require('node:events');
// smoke: const e = new EventEmitter();
// smoke: als.run('on', () => e.on('x', () => console.log(als.getStore())));
// smoke: als.run('emit', () => e.emit('x'));
'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');

// A runner taken now, while nothing is entered: whatever it runs sees no store.
const detached = AsyncLocalStorage.snapshot();
// `fn` as a function that runs with no store, whatever context calls it.
function lose(fn) {
  if (typeof fn !== 'function') return fn;
  return function (...args) {
    return detached(() => Reflect.apply(fn, this, args));
  };
}
// The arguments with their last function made to run with no store.
function loseLast(args) {
  const out = [...args];
  for (let i = out.length - 1; i >= 0; i--) {
    if (typeof out[i] === 'function') {
      out[i] = lose(out[i]);
      break;
    }
  }
  return out;
}

const { EventEmitter } = require('node:events');

function pin(listener) {
  if (typeof listener !== 'function') return listener;
  const bound = AsyncLocalStorage.bind(listener);
  // removeListener() and listeners() find the listener through this, as they do for once().
  bound.listener = listener;
  return bound;
}
for (const name of ['on', 'addListener', 'prependListener']) {
  const original = EventEmitter.prototype[name];
  EventEmitter.prototype[name] = function (type, listener) {
    return Reflect.apply(original, this, [type, pin(listener)]);
  };
}
