// mutant: worker-events-detached
// area: WORKER-EVENT
// breaks: a Worker's message, online, error and exit events run with no store instead of the
//   creator's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { Worker } = require('node:worker_threads');
// smoke: als.run('w', () => new Worker('0', { eval: true }).on('exit', () => console.log(als.getStore())));
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

const proto = require('node:worker_threads').Worker.prototype;
const original = proto.emit;
const events = new Set(['message', 'online', 'error', 'exit', 'messageerror']);
proto.emit = function emit(type, ...args) {
  if (events.has(type)) return detached(() => Reflect.apply(original, this, [type, ...args]));
  return Reflect.apply(original, this, [type, ...args]);
};
