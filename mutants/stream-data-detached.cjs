// mutant: stream-data-detached
// area: STREAM-READ
// breaks: Readable streams emit data and readable with no store instead of the pusher's
// smoke: const { AsyncLocalStorage } = require('node:async_hooks');
// smoke: const als = new AsyncLocalStorage();
// smoke: const { Readable } = require('node:stream');
// smoke: const r = new Readable({ read() {} });
// smoke: r.on('data', () => console.log(als.getStore()));
// smoke: setImmediate(() => als.run('p', () => r.push('x')));
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

const { Readable } = require('node:stream');

const original = Readable.prototype.emit;
Readable.prototype.emit = function emit(type, ...args) {
  if (type === 'data' || type === 'readable') {
    return detached(() => Reflect.apply(original, this, [type, ...args]));
  }
  return Reflect.apply(original, this, [type, ...args]);
};
